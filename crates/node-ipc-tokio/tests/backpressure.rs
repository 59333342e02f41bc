//! Memory stays bounded both ways: senders wait (or are refused) while a peer does not
//! read, and a client whose events are not consumed stops reading its socket.

mod common;

use std::time::Duration;

use bytes::Bytes;
use node_ipc_tokio::error::IpcError;
use node_ipc_tokio::event::{ChannelSink, ConnId, Event};
use node_ipc_tokio::flow::{SendLimits, Sent};
use node_ipc_tokio::message::Message;
use node_ipc_tokio::server::{Server, ServerOptions};
use node_ipc_tokio::transport::Endpoint;
use node_ipc_tokio::{Client, ClientEvent, ClientOptions};
use serde_json::json;
use tokio::sync::mpsc::{Receiver, UnboundedReceiver};
use tokio::time::timeout;

use common::{next, socket_path, WAIT};

const MIB: usize = 1024 * 1024;

async fn client_event(rx: &mut Receiver<ClientEvent>) -> ClientEvent {
    timeout(WAIT, rx.recv())
        .await
        .expect("client event in time")
        .expect("client alive")
}

/// A server listening on `path`, and its events.
async fn listening(path: &std::path::Path) -> (Server, UnboundedReceiver<Event>) {
    let (sink, mut events) = ChannelSink::new();
    let server = Server::listen(
        Endpoint::Unix(path.to_path_buf()),
        ServerOptions::default(),
        sink,
    );
    assert!(matches!(next(&mut events).await, Event::Listening));
    (server, events)
}

/// The next connection a server reports.
async fn connected(events: &mut UnboundedReceiver<Event>) -> ConnId {
    match next(events).await {
        Event::Connected { conn, .. } => conn,
        other => panic!("expected a connection, got {other:?}"),
    }
}

/// A Unix server that accepts one connection and never reads from it.
fn deaf_server(path: &std::path::Path) -> std::thread::JoinHandle<std::os::unix::net::UnixStream> {
    let listener = std::os::unix::net::UnixListener::bind(path).expect("bind");
    std::thread::spawn(move || listener.accept().expect("accept").0)
}

#[tokio::test]
async fn emit_waits_while_the_server_does_not_read_and_the_limit_ends_the_connection() {
    let path = socket_path("bp-deaf");
    let deaf = deaf_server(&path);
    let limits = SendLimits {
        high_water: 64 * 1024,
        max_queued_bytes: 4 * MIB,
    };
    let options = ClientOptions::default()
        .send_limits(limits.high_water, limits.max_queued_bytes)
        .stop_retrying(true);
    let (client, mut events) = Client::start(Endpoint::Unix(path.to_path_buf()), options);
    assert!(matches!(
        client_event(&mut events).await,
        ClientEvent::Connect
    ));
    let _held = deaf.join().expect("accepted");
    let payload = json!("x".repeat(MIB));

    // Awaiting emits stop as soon as the queue is over its high-water mark.
    let mut completed = 0;
    while timeout(Duration::from_millis(300), client.emit("big", &payload))
        .await
        .is_ok()
    {
        completed += 1;
        assert!(completed < 4, "emit never waited");
    }
    let queued = client.queued_bytes();
    assert!(
        queued > limits.high_water && queued <= 2 * MIB,
        "{queued} bytes queued after {completed} emits"
    );

    // Emits that do not wait pile up to the hard limit, which ends the connection.
    let refused = loop {
        match client.try_emit("big", &payload) {
            Ok(()) => assert!(client.queued_bytes() <= limits.max_queued_bytes),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(refused, IpcError::QueueLimit { limit, .. } if limit == 4 * MIB),
        "{refused:?}"
    );
    assert_eq!(refused.code(), Some("ENOBUFS"));
    match client_event(&mut events).await {
        ClientEvent::Error(e) => assert_eq!(e.code(), Some("ENOBUFS")),
        other => panic!("expected the limit's error, got {other:?}"),
    }
    assert!(matches!(
        client_event(&mut events).await,
        ClientEvent::Disconnect
    ));
    assert!(matches!(
        client_event(&mut events).await,
        ClientEvent::Destroy
    ));
    assert!(matches!(
        client.try_emit("late", &json!(1)),
        Err(IpcError::NotConnected)
    ));
}

#[tokio::test]
async fn a_client_whose_events_are_not_consumed_stops_reading() {
    let path = socket_path("bp-lag");
    let (server, mut srx) = listening(&path).await;
    let (client, mut events) =
        Client::start(Endpoint::Unix(path.to_path_buf()), ClientOptions::default());
    let conn = connected(&mut srx).await;
    assert!(matches!(
        client_event(&mut events).await,
        ClientEvent::Connect
    ));
    // 16 MiB of 1 KiB messages, far more than the client holds: 64 waiting events,
    // 4 MiB of unconsumed frames, and the kernel's buffers.
    let count = 16 * 1024;
    let pad = "p".repeat(1000);
    for i in 0..count {
        let frame = Message::new("n", json!({ "i": i, "pad": pad })).encode(b"\x0c");
        server.send(conn, Bytes::from(frame)).expect("queued");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stalled = server.queued_bytes(conn);
    assert!(
        stalled > 4 * MIB,
        "the client kept reading: {stalled} bytes still queued at the server"
    );
    for i in 0..count {
        match client_event(&mut events).await {
            ClientEvent::Message(m) => assert_eq!(m.data["i"], i),
            other => panic!("expected message {i}, got {other:?}"),
        }
    }
    assert_eq!(server.queued_bytes(conn), 0);
    client.disconnect();
    server.shutdown();
}

#[tokio::test]
async fn server_ready_waits_for_a_peer_that_does_not_read() {
    let path = socket_path("bp-ready");
    let (server, mut srx) = listening(&path).await;
    let mut peer = std::os::unix::net::UnixStream::connect(&*path).expect("connect");
    let conn = connected(&mut srx).await;
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    let mut sent = 0usize;
    while server
        .send_now(conn, chunk.clone())
        .expect("within the limit")
        != Sent::Queued
    {
        sent += chunk.len();
    }
    sent += chunk.len();
    // Over the high-water mark: `ready` waits.
    for _ in 0..8 {
        server.send(conn, chunk.clone()).expect("within the limit");
        sent += chunk.len();
    }
    assert!(timeout(Duration::from_millis(200), server.ready(conn))
        .await
        .is_err());
    let reader = std::thread::spawn(move || {
        let mut got = 0usize;
        let mut buf = vec![0u8; 64 * 1024];
        while got < sent {
            got += std::io::Read::read(&mut peer, &mut buf).expect("read");
        }
        got
    });
    timeout(WAIT, server.ready(conn))
        .await
        .expect("ready once the peer reads")
        .expect("connected");
    // The queue that formed was sent: the connection says so.
    match timeout(WAIT, srx.recv())
        .await
        .expect("event")
        .expect("sink")
    {
        Event::Drained { conn: c } => assert_eq!(c, conn),
        other => panic!("expected Drained, got {other:?}"),
    }
    assert_eq!(reader.join().expect("reader"), sent);
    server.destroy(conn);
    assert!(matches!(
        timeout(WAIT, async {
            loop {
                if server.ready(conn).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await,
        Ok(())
    ));
    server.shutdown();
}

#[test]
fn a_connecting_handle_takes_writes_until_its_high_water_mark() {
    use node_ipc_tokio::connection::ConnectionHandle;
    let limits = SendLimits {
        high_water: 10 * 1024,
        max_queued_bytes: 20 * 1024,
    };
    let (handle, _pending) = ConnectionHandle::pending(limits);
    let chunk = Bytes::from(vec![b'x'; 1024]);
    let sent: Vec<Sent> = (0..12)
        .map(|_| handle.send_now(chunk.clone()).expect("within the limit"))
        .collect();
    // Nothing is connected yet, so nothing is refused by a kernel: the queue alone says
    // when to pause.
    assert_eq!(&sent[..9], &[Sent::Written; 9]);
    assert_eq!(&sent[9..], &[Sent::Queued; 3]);
    assert_eq!(handle.queued_bytes(), 12 * 1024);
}
