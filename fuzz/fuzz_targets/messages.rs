//! Message parsing never panics on any frame, and what parses encodes back to a frame
//! that parses to the same message (with node-ipc's normalisation of empty data).
#![no_main]

use node_ipc_tokio::embed::message::Message;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|frame: &[u8]| {
    let Ok(message) = Message::parse(frame) else {
        return;
    };
    let encoded = message.encode(b"\x0c");
    assert_eq!(encoded.last(), Some(&0x0c));
    let body = &encoded[..encoded.len() - 1];
    assert!(!body.contains(&0x0c), "a form feed in the data is escaped");
    let again = Message::parse(body).expect("an encoded message parses");
    assert_eq!(again.r#type, message.r#type);
    let normalised = match message.data {
        Value::Null => Value::Object(Default::default()),
        Value::String(s) if s.is_empty() => Value::Object(Default::default()),
        other => other,
    };
    assert_eq!(again.data, normalised);
});
