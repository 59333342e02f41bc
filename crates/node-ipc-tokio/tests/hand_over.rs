//! Connections handed over with `hand_over` (as the Node binding uses them): the server or
//! client reports `Event::HandedOver` with the socket, and the owner drives it with a
//! `PolledConnection`. Real Unix sockets; the peers are ordinary tokio-driven connections.
#![cfg(unix)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use node_ipc_tokio::client::connect;
use node_ipc_tokio::codec::Framing;
use node_ipc_tokio::event::{ChannelSink, Event};
use node_ipc_tokio::flow::SendLimits;
use node_ipc_tokio::polled::{PolledConnection, ReadEnd, Received};
use node_ipc_tokio::server::{Server, ServerOptions};
use node_ipc_tokio::socket::PlainSocket;
use node_ipc_tokio::transport::{ConnectOptions, Endpoint};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::timeout;

use common::{closed, next, socket_path, TempPath, WAIT};

async fn handed_over(rx: &mut UnboundedReceiver<Event>) -> (u32, PlainSocket) {
    match next(rx).await {
        Event::HandedOver { conn, socket, .. } => (conn, socket),
        other => panic!("expected HandedOver, got {other:?}"),
    }
}

/// Reads until `want` bytes of frames arrived (the test's stand-in for an event loop).
async fn read_frames(conn: &mut PolledConnection, want: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while got.len() < want {
        let out = conn.read();
        if let Some(Received::Frames { run, .. }) = out.received {
            got.extend_from_slice(&run);
        }
        assert!(out.end.is_none(), "ended early: {:?}", out.end);
        assert!(tokio::time::Instant::now() < deadline, "frames in time");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    got
}

async fn listen(path: &TempPath, max: Option<usize>) -> (Server, UnboundedReceiver<Event>) {
    let (sink, mut rx) = ChannelSink::new();
    let options = ServerOptions {
        hand_over: true,
        max_connections: max,
        ..ServerOptions::default()
    };
    let server = Server::listen(Endpoint::Unix(path.0.clone()), options, sink);
    assert!(matches!(next(&mut rx).await, Event::Listening));
    (server, rx)
}

fn client(
    path: &TempPath,
    hand_over: bool,
) -> (
    node_ipc_tokio::connection::ConnectionHandle,
    UnboundedReceiver<Event>,
) {
    let (sink, rx) = ChannelSink::new();
    let options = ConnectOptions {
        hand_over,
        ..ConnectOptions::default()
    };
    let handle = connect(
        Endpoint::Unix(path.0.clone()),
        options,
        Framing::default(),
        1,
        sink,
    );
    (handle, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handed_over_server_connection_reads_and_writes_through_its_owner() {
    let path = socket_path("handover-server");
    let (server, mut srx) = listen(&path, None).await;
    let (handle, mut crx) = client(&path, false);
    assert!(matches!(next(&mut crx).await, Event::Connected { .. }));
    let (id, socket) = handed_over(&mut srx).await;
    assert_eq!(server.connection_count(), 1);
    let mut conn = PolledConnection::new(
        socket,
        &Framing::default(),
        SendLimits::default(),
        tokio::runtime::Handle::current(),
    );

    let frame: &[u8] = b"{\"type\":\"a\",\"data\":1}\x0c";
    handle.send(Bytes::from_static(frame)).expect("sent");
    assert_eq!(read_frames(&mut conn, frame.len()).await, frame);

    conn.write(Bytes::from_static(b"{\"type\":\"b\",\"data\":2}\x0c"))
        .unwrap();
    match next(&mut crx).await {
        Event::Frames { run, partial, .. } => {
            assert_eq!(&run[..], b"{\"type\":\"b\",\"data\":2}\x0c");
            assert!(!partial);
        }
        other => panic!("expected frames, got {other:?}"),
    }

    // The peer closes: the owner sees end of stream, closes, and releases the slot.
    handle.destroy();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(end) = conn.read().end {
            assert!(matches!(end, ReadEnd::Eof), "{end:?}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "end of stream in time"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    conn.close();
    server.release(id);
    assert_eq!(server.connection_count(), 0);
    server.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handed_over_connections_count_against_max_connections_until_released() {
    let path = socket_path("handover-max");
    let (server, mut srx) = listen(&path, Some(1)).await;
    let (_h1, mut r1) = client(&path, false);
    assert!(matches!(next(&mut r1).await, Event::Connected { .. }));
    let (first, _socket) = handed_over(&mut srx).await;

    // Over the limit: accepted at socket level, then closed by the server.
    let (_h2, mut r2) = client(&path, false);
    assert!(matches!(next(&mut r2).await, Event::Connected { .. }));
    closed(&mut r2).await;
    match next(&mut srx).await {
        Event::Rejected { reason, .. } => {
            assert_eq!(reason.code(), Some("ERR_IPC_CONNECTION_LIMIT"));
            assert_eq!(
                reason.to_string(),
                "connection closed: the server already has max_connections (1) open"
            );
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert!(
        timeout(Duration::from_millis(100), srx.recv())
            .await
            .is_err(),
        "nothing handed over"
    );

    server.release(first);
    let (_h3, mut r3) = client(&path, false);
    assert!(matches!(next(&mut r3).await, Event::Connected { .. }));
    let (third, _socket) = handed_over(&mut srx).await;
    assert_ne!(third, first);
    assert_eq!(server.connection_count(), 1);
    server.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_connection_is_handed_over_instead_of_connected() {
    let path = socket_path("handover-client");
    let (sink, mut srx) = ChannelSink::new();
    let server = Server::listen(
        Endpoint::Unix(path.0.clone()),
        ServerOptions::default(),
        sink,
    );
    assert!(matches!(next(&mut srx).await, Event::Listening));
    let (_handle, mut crx) = client(&path, true);
    let (id, socket) = handed_over(&mut crx).await;
    assert_eq!(id, 1);
    let peer = match next(&mut srx).await {
        Event::Connected { conn, .. } => conn,
        other => panic!("expected Connected, got {other:?}"),
    };
    let mut conn = PolledConnection::new(
        socket,
        &Framing::default(),
        SendLimits::default(),
        tokio::runtime::Handle::current(),
    );
    conn.write(Bytes::from_static(b"{\"type\":\"hi\"}\x0c"))
        .unwrap();
    match next(&mut srx).await {
        Event::Frames { conn: c, run, .. } => {
            assert_eq!(c, peer);
            assert_eq!(&run[..], b"{\"type\":\"hi\"}\x0c");
        }
        other => panic!("expected frames, got {other:?}"),
    }
    server
        .send(peer, Bytes::from_static(b"{\"type\":\"back\"}\x0c"))
        .expect("sent");
    let back: &[u8] = b"{\"type\":\"back\"}\x0c";
    assert_eq!(read_frames(&mut conn, back.len()).await, back);
    server.shutdown();
}
