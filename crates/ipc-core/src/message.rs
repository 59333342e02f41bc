//! node-ipc messages for Rust peers: `{"type": ..., "data": ...}` JSON objects.

use serde_json::{Map, Value};

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

    /// Decodes one frame (without its delimiter).
    ///
    /// ```
    /// use ipc_core::message::Message;
    /// let m = Message::parse(br#"{"type":"hello","data":{"id":"c1"}}"#).unwrap();
    /// assert_eq!(m.r#type, "hello");
    /// assert_eq!(m.data["id"], "c1");
    /// ```
    pub fn parse(frame: &[u8]) -> Result<Message, InvalidFrame> {
        let invalid = |reason: String| InvalidFrame {
            reason,
            response: String::from_utf8_lossy(frame).into_owned(),
        };
        let value: Value = serde_json::from_slice(frame).map_err(|e| invalid(e.to_string()))?;
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
    /// use ipc_core::message::Message;
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
