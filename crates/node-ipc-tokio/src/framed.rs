//! node-ipc frames as a [`tokio_util::codec`] `Decoder` and `Encoder`, for any
//! `AsyncRead + AsyncWrite` the caller brings (its own TLS, `interprocess` local sockets,
//! an in-memory duplex): wrap it in [`tokio_util::codec::Framed`] and read and send
//! [`Message`]s.

use bytes::{Buf, BufMut, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::codec::{DEFAULT_DELIMITER, DEFAULT_MAX_MESSAGE_SIZE};
use crate::error::IpcError;
use crate::message::{InvalidFrame, Message};

/// The node-ipc frame format: JSON text ended by a delimiter (`"\f"` by default).
///
/// Decoding yields `Ok(Message)` per frame, or `Err(InvalidFrame)` inside the item for a
/// frame that is not JSON (node-ipc keeps such connections open, so the stream goes on); a
/// frame longer than the limit is a stream error ([`IpcError::MessageTooLarge`]), since
/// buffering it would grow memory without bound.
///
/// ```
/// use futures_util::{SinkExt, StreamExt};
/// use node_ipc_tokio::{Message, NodeIpcCodec};
/// use tokio_util::codec::Framed;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (a, b) = tokio::io::duplex(1024);
/// let mut left = Framed::new(a, NodeIpcCodec::default());
/// let mut right = Framed::new(b, NodeIpcCodec::default());
/// left.send(Message::with_data("hello", &[1, 2]).unwrap()).await.unwrap();
/// let got = right.next().await.unwrap().unwrap().unwrap();
/// assert_eq!(got.data_as::<Vec<u8>>().unwrap(), vec![1, 2]);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct NodeIpcCodec {
    delimiter: Vec<u8>,
    max_message_size: usize,
    /// How far the buffer was already searched for a delimiter.
    searched: usize,
}

impl Default for NodeIpcCodec {
    fn default() -> Self {
        NodeIpcCodec::new(DEFAULT_DELIMITER, DEFAULT_MAX_MESSAGE_SIZE)
    }
}

impl NodeIpcCodec {
    /// A codec with this delimiter (not empty) and frame size limit.
    ///
    /// # Panics
    ///
    /// With an empty delimiter.
    pub fn new(delimiter: &[u8], max_message_size: usize) -> Self {
        assert!(!delimiter.is_empty(), "the delimiter must not be empty");
        NodeIpcCodec {
            delimiter: delimiter.to_vec(),
            max_message_size,
            searched: 0,
        }
    }
}

impl Decoder for NodeIpcCodec {
    type Item = Result<Message, InvalidFrame>;
    type Error = IpcError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, IpcError> {
        // Resume the search where the last call stopped, less a delimiter's length (it may
        // have arrived split).
        let from = self.searched.saturating_sub(self.delimiter.len() - 1);
        match memchr::memmem::find(&src[from..], &self.delimiter) {
            Some(at) => {
                let end = from + at;
                self.searched = 0;
                if end > self.max_message_size {
                    return Err(IpcError::MessageTooLarge {
                        size: end,
                        limit: self.max_message_size,
                    });
                }
                let frame = src.split_to(end);
                src.advance(self.delimiter.len());
                Ok(Some(Message::parse(&frame)))
            }
            None if src.len() > self.max_message_size => Err(IpcError::MessageTooLarge {
                size: src.len(),
                limit: self.max_message_size,
            }),
            None => {
                self.searched = src.len();
                Ok(None)
            }
        }
    }
}

impl Encoder<Message> for NodeIpcCodec {
    type Error = IpcError;

    fn encode(&mut self, message: Message, dst: &mut BytesMut) -> Result<(), IpcError> {
        self.encode(&message, dst)
    }
}

impl Encoder<&Message> for NodeIpcCodec {
    type Error = IpcError;

    fn encode(&mut self, message: &Message, dst: &mut BytesMut) -> Result<(), IpcError> {
        dst.put_slice(&message.encode(&self.delimiter));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_split_anywhere_decode_in_order_and_bad_ones_do_not_stop_the_stream() {
        let mut codec = NodeIpcCodec::new(b"\r\n", 64);
        let wire = b"{\"type\":\"a\",\"data\":1}\r\n{nope\r\n{\"type\":\"b\",\"data\":\"\\r\"}\r\n";
        // Fed one byte at a time: the delimiter arrives split too.
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for &b in wire.iter() {
            buf.put_u8(b);
            while let Some(item) = codec.decode(&mut buf).expect("within the limit") {
                out.push(item);
            }
        }
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], Ok(Message::new("a", json!(1))));
        assert_eq!(
            out[1].as_ref().map_err(|e| e.response.as_str()),
            Err("{nope")
        );
        assert_eq!(out[2], Ok(Message::new("b", json!("\r"))));
        assert!(buf.is_empty());
    }

    #[test]
    fn a_frame_over_the_limit_is_an_error_even_before_its_delimiter() {
        let mut codec = NodeIpcCodec::new(b"\x0c", 8);
        let mut buf = BytesMut::from(&b"0123456789"[..]);
        assert!(matches!(
            codec.decode(&mut buf),
            Err(IpcError::MessageTooLarge { size: 10, limit: 8 })
        ));
        let mut codec = NodeIpcCodec::new(b"\x0c", 8);
        let mut buf = BytesMut::from(&b"012345678\x0c"[..]);
        assert!(codec.decode(&mut buf).is_err());
    }

    #[test]
    fn encoding_is_node_ipc_s() {
        let mut codec = NodeIpcCodec::default();
        let mut dst = BytesMut::new();
        codec
            .encode(Message::new("ping", serde_json::Value::Null), &mut dst)
            .expect("encoded");
        assert_eq!(&dst[..], b"{\"type\":\"ping\",\"data\":{}}\x0c");
    }
}
