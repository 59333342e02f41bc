//! node-ipc messages for Rust peers: `{"type": ..., "data": ...}` JSON objects.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::IpcError;

/// One decoded node-ipc message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The event type. node-ipc does not validate it: a number arrives as its decimal
    /// text (event names are strings), a missing type as `"undefined"`.
    pub r#type: String,
    /// The payload (`Value::Null` when the frame had no `data` key).
    pub data: Value,
}

/// Why a frame could not be decoded. node-ipc publishes these as an `error` event with
/// `{message: 'Invalid JSON response format', err, response}` and keeps the connection.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidFrame {
    /// What the parser said.
    pub reason: String,
    /// The offending frame text (lossily decoded).
    pub response: String,
}

impl Message {
    /// A message with the given type and data.
    pub fn new(r#type: impl Into<String>, data: Value) -> Self {
        Message {
            r#type: r#type.into(),
            data,
        }
    }

    /// A message whose data is any serde-serialisable value.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Hello { id: &'static str }
    /// let m = node_ipc_tokio::Message::with_data("hello", &Hello { id: "c1" }).unwrap();
    /// assert_eq!(m.data["id"], "c1");
    /// ```
    pub fn with_data<T: Serialize + ?Sized>(
        r#type: impl Into<String>,
        data: &T,
    ) -> Result<Self, IpcError> {
        let r#type = r#type.into();
        match serde_json::to_value(data) {
            Ok(data) => Ok(Message { r#type, data }),
            Err(e) => Err(IpcError::Data {
                r#type,
                reason: e.to_string(),
            }),
        }
    }

    /// The data as a Rust type; [`IpcError::Data`] when it does not have that shape.
    ///
    /// ```
    /// #[derive(serde::Deserialize, Debug, PartialEq)]
    /// struct Hello { id: String }
    /// let m = node_ipc_tokio::Message::parse(br#"{"type":"hello","data":{"id":"c1"}}"#).unwrap();
    /// assert_eq!(m.data_as::<Hello>().unwrap(), Hello { id: "c1".into() });
    /// assert!(m.data_as::<Vec<u8>>().is_err());
    /// ```
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, IpcError> {
        T::deserialize(&self.data).map_err(|e| IpcError::Data {
            r#type: self.r#type.clone(),
            reason: e.to_string(),
        })
    }

    /// Decodes one frame (without its delimiter).
    ///
    /// A JavaScript string may hold a lone UTF-16 surrogate, which `JSON.stringify` writes
    /// as an escape (`"\ud800"`) and a Rust `String` cannot hold: each one is read as
    /// U+FFFD (the replacement character), as `String::from_utf16_lossy` does, and the
    /// rest of the message is kept.
    ///
    /// ```
    /// use node_ipc_tokio::Message;
    /// let m = Message::parse(br#"{"type":"hello","data":{"id":"c1"}}"#).unwrap();
    /// assert_eq!(m.r#type, "hello");
    /// assert_eq!(m.data["id"], "c1");
    /// ```
    pub fn parse(frame: &[u8]) -> Result<Message, InvalidFrame> {
        let invalid = |reason: String| InvalidFrame {
            reason,
            response: String::from_utf8_lossy(frame).into_owned(),
        };
        let value: Value = match serde_json::from_slice(frame) {
            Ok(value) => value,
            // Rare: only then look for lone surrogates, and retry without them.
            Err(e) => match replace_lone_surrogates(frame) {
                Some(fixed) => serde_json::from_slice(&fixed),
                None => Err(e),
            }
            .map_err(|e| invalid(e.to_string()))?,
        };
        match value {
            Value::Null => Err(invalid("frame is null".into())),
            Value::Object(mut map) => {
                let r#type = match map.remove("type") {
                    Some(Value::String(s)) => s,
                    Some(Value::Null) => "null".into(),
                    Some(other) => other.to_string(),
                    None => "undefined".into(),
                };
                let data = map.remove("data").unwrap_or(Value::Null);
                Ok(Message { r#type, data })
            }
            // node-ipc reads `.type` of whatever parsed: a number or string has none.
            _ => Ok(Message {
                r#type: "undefined".into(),
                data: Value::Null,
            }),
        }
    }

    /// Encodes the message as node-ipc 9.2.1 does, delimiter appended: `type` first,
    /// then `data`, no whitespace, with node-ipc's normalisation of empty payloads
    /// (`null` and `""` travel as `{}`; `false` and `0` stay).
    ///
    /// ```
    /// use node_ipc_tokio::Message;
    /// let bytes = Message::new("ping", serde_json::Value::Null).encode(b"\x0c");
    /// assert_eq!(bytes, b"{\"type\":\"ping\",\"data\":{}}\x0c");
    /// ```
    pub fn encode(&self, delimiter: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + self.r#type.len());
        out.extend_from_slice(b"{\"type\":");
        // Writing a `String`/`Value` into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, &self.r#type);
        out.extend_from_slice(b",\"data\":");
        let empty = Value::Object(Map::new());
        let data = match &self.data {
            Value::Null => &empty,
            Value::String(s) if s.is_empty() => &empty,
            other => other,
        };
        let _ = serde_json::to_writer(&mut out, data);
        out.push(b'}');
        out.extend_from_slice(delimiter);
        out
    }
}

/// Encodes a message straight from any serialisable data, without building a
/// [`Value`] first: the same bytes as [`Message::encode`] of [`Message::with_data`].
pub(crate) fn encode_frame<T: Serialize + ?Sized>(
    r#type: &str,
    data: &T,
    delimiter: &[u8],
) -> Result<Vec<u8>, IpcError> {
    let mut out = Vec::with_capacity(64 + r#type.len());
    out.extend_from_slice(b"{\"type\":");
    let _ = serde_json::to_writer(&mut out, r#type);
    out.extend_from_slice(b",\"data\":");
    let start = out.len();
    serde_json::to_writer(&mut out, data).map_err(|e| IpcError::Data {
        r#type: r#type.to_owned(),
        reason: e.to_string(),
    })?;
    // node-ipc's normalisation of empty payloads, as in `Message::encode`.
    if matches!(&out[start..], b"null" | b"\"\"") {
        out.truncate(start);
        out.extend_from_slice(b"{}");
    }
    out.push(b'}');
    out.extend_from_slice(delimiter);
    Ok(out)
}

/// The frame with every `\uXXXX` escape of a lone surrogate replaced by `\ufffd` (same
/// length), or `None` when it has none. Backslashes only occur inside JSON strings, each
/// starting an escape, so a scan from the start sees every escape.
fn replace_lone_surrogates(frame: &[u8]) -> Option<Vec<u8>> {
    let unit = |at: usize| -> Option<u16> {
        let hex = frame.get(at..at + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut fixed: Option<Vec<u8>> = None;
    let mut i = 0;
    // `i` may pass the end: an escape's two bytes are skipped even when only one is left.
    while let Some(offset) = frame.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        i += offset;
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                let out = fixed.get_or_insert_with(|| frame.to_vec());
                out[i..i + 6].copy_from_slice(b"\\ufffd");
                i += 6;
            }
            _ => i += 2,
        }
    }
    fixed
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_parse_as_javascript_parses_them() {
        // Correctly rounded, as JSON.parse: found by the fuzzer (1 ULP off before).
        let m = Message::parse(br#"{"type":"n","data":222222222222222222222222222222222222222}"#)
            .expect("valid");
        assert_eq!(m.data.to_string(), "2.222222222222222e+38");
        let again = Message::parse(&m.encode(b"")).expect("valid");
        assert_eq!(again.data, m.data);
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn spec_6_2_worked_examples() {
        let d = b"\x0c";
        assert_eq!(
            Message::new("hello", json!({"id": "c1", "message": "hi"})).encode(d),
            b"{\"type\":\"hello\",\"data\":{\"id\":\"c1\",\"message\":\"hi\"}}\x0c"
        );
        assert_eq!(
            Message::new("msg", json!("h\u{e9}llo")).encode(d),
            b"{\"type\":\"msg\",\"data\":\"h\xc3\xa9llo\"}\x0c"
        );
        assert_eq!(
            Message::new("n", json!(0)).encode(d),
            b"{\"type\":\"n\",\"data\":0}\x0c"
        );
        assert_eq!(
            Message::new("s", json!("a\u{c}b\n")).encode(d),
            b"{\"type\":\"s\",\"data\":\"a\\fb\\n\"}\x0c"
        );
    }

    #[test]
    fn q13_empty_payloads_travel_as_empty_object() {
        for v in [Value::Null, json!("")] {
            assert_eq!(
                Message::new("t", v).encode(b"\x0c"),
                b"{\"type\":\"t\",\"data\":{}}\x0c"
            );
        }
        assert_eq!(
            Message::new("t", json!(false)).encode(b"\x0c"),
            b"{\"type\":\"t\",\"data\":false}\x0c"
        );
    }

    #[test]
    fn encoding_from_serialisable_data_is_encoding_of_its_value() {
        for v in [json!(null), json!(""), json!(0), json!(false), json!({"a": [1, "\u{c}"]}), json!("x")] {
            assert_eq!(
                encode_frame("t", &v, b"\x0c").expect("encodes"),
                Message::new("t", v.clone()).encode(b"\x0c")
            );
        }
        let unit: () = ();
        assert_eq!(encode_frame("t", &unit, b"\x0c").expect("encodes"), b"{\"type\":\"t\",\"data\":{}}\x0c");
    }

    #[test]
    fn lone_surrogates_read_as_replacement_characters() {
        let m = Message::parse(br#"{"type":"s","data":{"a":"x\ud800y","b\udfff":"\ud83d\ude00","c":"\\ud800"}}"#)
            .expect("kept");
        assert_eq!(m.data, json!({"a": "x\u{fffd}y", "b\u{fffd}": "\u{1f600}", "c": "\\ud800"}));
        // A high surrogate at the very end, and one followed by another high one.
        let m = Message::parse(br#"{"type":"s","data":["\udbff\ud800","\ud800"]}"#).expect("kept");
        assert_eq!(m.data, json!(["\u{fffd}\u{fffd}", "\u{fffd}"]));
        // A backslash at the very end (found by the fuzzer: the scan passed the end).
        assert!(Message::parse(b"tr\\").is_err());
        assert_eq!(replace_lone_surrogates(b"tr\\"), None);
        assert_eq!(replace_lone_surrogates(b"\\"), None);
        // Other bad JSON still is.
        assert!(Message::parse(br#"{"type":"s","data":"\ud800"#).is_err());
    }

    #[test]
    fn parse_round_trips_and_reports_bad_frames() {
        let m = Message::new("x", json!({"a": [1, 2, {"b": "\u{2028}"}]}));
        let enc = m.encode(b"\x0c");
        assert_eq!(Message::parse(&enc[..enc.len() - 1]), Ok(m));
        let bad = Message::parse(b"{nope").unwrap_err();
        assert_eq!(bad.response, "{nope");
        assert!(Message::parse(b"").is_err());
        assert!(Message::parse(b"null").is_err());
        assert_eq!(
            Message::parse(br#"{"type":5}"#).map(|m| m.r#type),
            Ok("5".into())
        );
    }
}
