//! Request/response over ordinary node-ipc messages.
//!
//! A request of type `T` is the message `{"type": T, "data": {"$req": ID, "data": P}}`;
//! its reply is `{"type": T + ".reply", "data": {"$req": ID, "data": RESULT}}`, or
//! `{..., "data": {"$req": ID, "error": {"name": N, "message": M}}}` when the handler
//! failed (with `"code"` inside `error` when it has one). `ID` is a positive integer, unique
//! among the requester's pending requests on that connection. A plain node-ipc 9.2.1 peer
//! answers with one `emit`, so either side may be plain node-ipc.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde_json::{Map, Value};
use tokio::sync::oneshot;

use crate::error::{IpcError, RemoteError};
use crate::message::Message;

/// The key of the correlation id inside a request's and a reply's data.
pub(crate) const ID_KEY: &str = "$req";

/// The largest id a JavaScript peer can carry exactly (2^53 - 1).
const MAX_ID: u64 = (1 << 53) - 1;

/// The type a reply to a request of type `type` travels as.
pub(crate) fn reply_type(r#type: &str) -> String {
    format!("{type}.reply")
}

/// The data of a request as it is serialised: `{"$req": id, "data": payload}`, without
/// turning the payload into a `Value` first.
pub(crate) struct RequestData<'a, T: ?Sized> {
    pub(crate) id: u64,
    pub(crate) payload: &'a T,
}

impl<T: serde::Serialize + ?Sized> serde::Serialize for RequestData<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(ID_KEY, &self.id)?;
        map.serialize_entry("data", self.payload)?;
        map.end()
    }
}

/// The data of a reply.
pub(crate) fn reply_data(id: u64, outcome: Result<Value, RemoteError>) -> Value {
    let mut map = Map::with_capacity(2);
    map.insert(ID_KEY.into(), Value::from(id));
    match outcome {
        Ok(value) => map.insert("data".into(), value),
        Err(error) => map.insert("error".into(), error.to_value()),
    };
    Value::Object(map)
}

/// The id of a request or reply: `data.$req`, a positive integer a JavaScript number holds
/// exactly.
pub(crate) fn id_of(data: &Value) -> Option<u64> {
    let id = data.get(ID_KEY)?.as_u64()?;
    (1..=MAX_ID).contains(&id).then_some(id)
}

/// Splits a request's data into its id and payload (`null` when it has none).
pub(crate) fn parse_request(data: Value) -> Option<(u64, Value)> {
    let id = id_of(&data)?;
    let Value::Object(mut map) = data else {
        return None;
    };
    Some((id, map.remove("data").unwrap_or(Value::Null)))
}

impl RemoteError {
    fn to_value(&self) -> Value {
        let mut map = Map::with_capacity(3);
        map.insert("name".into(), Value::from(self.name.as_str()));
        map.insert("message".into(), Value::from(self.message.as_str()));
        if let Some(code) = &self.code {
            map.insert("code".into(), Value::from(code.as_str()));
        }
        Value::Object(map)
    }

    /// Reads the `error` of a reply as node-ipc-native's Node side does: a string is the
    /// message; a missing name is `"Error"`, a missing message empty.
    fn from_value(value: &Value) -> Self {
        if let Value::String(message) = value {
            return RemoteError::new(message.as_str());
        }
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        RemoteError {
            name: text("name").unwrap_or_else(|| "Error".into()),
            message: text("message").unwrap_or_default(),
            code: text("code"),
        }
    }
}

/// What a pending request is waiting for.
struct Waiting {
    reply_type: String,
    request_type: String,
    done: oneshot::Sender<Result<Value, IpcError>>,
}

/// The requests of one requester that wait for their replies.
#[derive(Default)]
pub(crate) struct Pending {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, Waiting>>,
}

impl Pending {
    fn waiting(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Waiting>> {
        // Each critical section is one insert or remove: a poisoned lock is still sound.
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a request; returns its id and where its outcome arrives.
    pub(crate) fn register(
        &self,
        r#type: &str,
    ) -> (u64, oneshot::Receiver<Result<Value, IpcError>>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) % MAX_ID + 1;
        let (done, outcome) = oneshot::channel();
        self.waiting().insert(
            id,
            Waiting {
                reply_type: reply_type(r#type),
                request_type: r#type.to_owned(),
                done,
            },
        );
        (id, outcome)
    }

    /// Forgets a request (timed out, or its send failed).
    pub(crate) fn cancel(&self, id: u64) {
        self.waiting().remove(&id);
    }

    /// Completes the request a message replies to. Returns the message back when it is
    /// not a reply to a pending request.
    pub(crate) fn complete(&self, message: Message) -> Option<Message> {
        let Some(id) = id_of(&message.data) else {
            return Some(message);
        };
        let mut waiting = self.waiting();
        match waiting.get(&id) {
            Some(w) if w.reply_type == message.r#type => {}
            _ => return Some(message),
        }
        let Some(w) = waiting.remove(&id) else {
            return Some(message);
        };
        drop(waiting);
        let outcome = match message.data {
            Value::Object(mut map) => match map.remove("error") {
                Some(error) if !error.is_null() => {
                    Err(IpcError::Remote(RemoteError::from_value(&error)))
                }
                _ => Ok(map.remove("data").unwrap_or(Value::Null)),
            },
            _ => Ok(Value::Null),
        };
        // The requester may have stopped waiting (dropped its future).
        let _ = w.done.send(outcome);
        None
    }

    /// Fails every pending request: the connection they were sent on closed.
    pub(crate) fn disconnected(&self) {
        let all: Vec<Waiting> = self.waiting().drain().map(|(_, w)| w).collect();
        for w in all {
            let _ = w.done.send(Err(IpcError::Disconnected {
                r#type: w.request_type,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_wire_shape_of_requests_and_replies() {
        assert_eq!(
            serde_json::to_string(&RequestData {
                id: 7,
                payload: &json!({"a": 1})
            })
            .unwrap(),
            r#"{"$req":7,"data":{"a":1}}"#
        );
        assert_eq!(reply_data(7, Ok(json!(3))), json!({"$req": 7, "data": 3}));
        assert_eq!(
            reply_data(7, Err(RemoteError::new("bad").with_code("E_BAD"))),
            json!({"$req": 7, "error": {"name": "Error", "message": "bad", "code": "E_BAD"}})
        );
        assert_eq!(reply_type("add"), "add.reply");
        assert_eq!(
            parse_request(json!({"$req": 2, "data": [1]})),
            Some((2, json!([1])))
        );
        assert_eq!(parse_request(json!({"$req": 2})), Some((2, Value::Null)));
        for not_a_request in [
            json!({"data": 1}),
            json!({"$req": 0}),
            json!({"$req": -1}),
            json!({"$req": 1.5}),
            json!({"$req": "1"}),
            json!({"$req": 9007199254740992u64}),
            json!([1]),
        ] {
            assert_eq!(
                parse_request(not_a_request.clone()),
                None,
                "{not_a_request}"
            );
        }
    }

    #[test]
    fn replies_complete_only_their_own_request() {
        let pending = Pending::default();
        let (id, mut rx) = pending.register("add");
        assert_eq!(id, 1);
        // Wrong type, unknown id, no id: not ours.
        for stray in [
            Message::new("other.reply", json!({"$req": id, "data": 1})),
            Message::new("add.reply", json!({"$req": id + 1, "data": 1})),
            Message::new("add.reply", json!({"data": 1})),
        ] {
            assert_eq!(pending.complete(stray.clone()), Some(stray));
        }
        assert!(rx.try_recv().is_err());
        assert_eq!(
            pending.complete(Message::new("add.reply", json!({"$req": id, "data": 5}))),
            None
        );
        assert_eq!(rx.try_recv().ok().and_then(Result::ok), Some(json!(5)));
        // A second reply with the same id is no longer ours.
        let late = Message::new("add.reply", json!({"$req": id, "data": 6}));
        assert_eq!(pending.complete(late.clone()), Some(late));
    }

    #[test]
    fn errors_and_disconnects_reach_the_requester() {
        let pending = Pending::default();
        let (id, mut failed) = pending.register("get");
        pending.complete(Message::new(
            "get.reply",
            json!({"$req": id, "error": {"name": "TypeError", "message": "nope"}}),
        ));
        match failed.try_recv() {
            Ok(Err(IpcError::Remote(e))) => {
                assert_eq!((e.name.as_str(), e.message.as_str()), ("TypeError", "nope"));
                assert_eq!(e.code, None);
            }
            other => panic!("{other:?}"),
        }
        let (_, mut lost) = pending.register("get");
        pending.disconnected();
        match lost.try_recv() {
            Ok(Err(e @ IpcError::Disconnected { .. })) => {
                assert_eq!(e.code(), Some("ERR_IPC_DISCONNECTED"))
            }
            other => panic!("{other:?}"),
        }
    }
}
