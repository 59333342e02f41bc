//! ipc-core server and client talking to each other over real Unix sockets.

mod common;

use std::time::Duration;

use bytes::Bytes;
use node_ipc_tokio::client::{connect, Client, ClientEvent};
use node_ipc_tokio::codec::split_frames;
use node_ipc_tokio::codec::Framing;
use node_ipc_tokio::connection::ConnectionHandle;
use node_ipc_tokio::event::{ChannelSink, ConnId, Event};
use node_ipc_tokio::message::Message;
use node_ipc_tokio::server::{Server, ServerOptions};
use node_ipc_tokio::transport::{ConnectOptions, Endpoint};
use serde_json::json;
use tokio::sync::mpsc::{Receiver, UnboundedReceiver};
use tokio::time::timeout;

use common::{closed, next, socket_path, WAIT};

async fn listening(
    path: &std::path::Path,
    options: ServerOptions,
) -> (Server, UnboundedReceiver<Event>) {
    let (sink, mut rx) = ChannelSink::new();
    let server = Server::listen(Endpoint::Unix(path.to_path_buf()), options, sink);
    match next(&mut rx).await {
        Event::Listening => {}
        other => panic!("expected Listening, got {other:?}"),
    }
    (server, rx)
}

/// A client connection to the Unix socket at `path`, and its events.
fn dial(path: &std::path::Path) -> (ConnectionHandle, UnboundedReceiver<Event>) {
    let (sink, rx) = ChannelSink::new();
    let handle = connect(
        Endpoint::Unix(path.to_path_buf()),
        ConnectOptions::default(),
        Framing::default(),
        1,
        sink,
    );
    (handle, rx)
}

/// Collects decoded messages from `rx` until `count` arrived; returns them with the
/// connection they came from.
async fn messages(rx: &mut UnboundedReceiver<Event>, count: usize) -> Vec<(ConnId, Message)> {
    let mut out = Vec::new();
    while out.len() < count {
        match next(rx).await {
            Event::Frames { conn, run, .. } => {
                for f in split_frames(&run, b"\x0c") {
                    out.push((conn, Message::parse(f).expect("valid frame")));
                }
            }
            Event::Connected { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    out
}

#[tokio::test]
async fn echo_round_trip_and_ordered_pipeline() {
    let path = socket_path("echo");
    let (server, mut srx) = listening(&path, ServerOptions::default()).await;
    let (client, mut crx) = dial(&path);
    // Written before the connection exists: sent on connect.
    for i in 0..10_000 {
        client
            .send(Bytes::from(
                Message::new("n", json!({ "i": i })).encode(b"\x0c"),
            ))
            .expect("sent");
    }
    assert!(matches!(
        next(&mut crx).await,
        Event::Connected { conn: 1, .. }
    ));
    let got = messages(&mut srx, 10_000).await;
    for (i, (_, m)) in got.iter().enumerate() {
        assert_eq!(m.r#type, "n");
        assert_eq!(m.data["i"], i);
    }
    let conn = got[0].0;
    server
        .send(
            conn,
            Bytes::from(Message::new("pong", json!("h\u{e9}\u{c}")).encode(b"\x0c")),
        )
        .expect("sent");
    let reply = messages(&mut crx, 1).await;
    assert_eq!(reply[0].1, Message::new("pong", json!("h\u{e9}\u{c}")));
    client.destroy();
    assert!(matches!(
        next(&mut crx).await,
        Event::Closed {
            conn: 1,
            had_error: false
        }
    ));
    // The server sees the client's end of stream, then the close.
    assert!(matches!(next(&mut srx).await, Event::Ended { conn: c } if c == conn));
    assert!(matches!(
        next(&mut srx).await,
        Event::Closed {
            had_error: false,
            ..
        }
    ));
    server.close();
}

#[tokio::test]
async fn broadcast_reaches_every_client_once() {
    let path = socket_path("bcast");
    let (server, mut srx) = listening(&path, ServerOptions::default()).await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        let (sink, mut rx) = ChannelSink::new();
        let h = connect(
            Endpoint::Unix(path.to_path_buf()),
            ConnectOptions::default(),
            Framing::default(),
            1,
            sink,
        );
        assert!(matches!(next(&mut rx).await, Event::Connected { .. }));
        clients.push((h, rx));
    }
    for _ in 0..3 {
        assert!(matches!(next(&mut srx).await, Event::Connected { .. }));
    }
    let sent = server.broadcast(Bytes::from(
        Message::new("kill.connection", json!({"id": "world"})).encode(b"\x0c"),
    ));
    assert_eq!(sent, 3);
    for (_, rx) in clients.iter_mut() {
        let got = messages(rx, 1).await;
        assert_eq!(got[0].1.r#type, "kill.connection");
    }
    server.shutdown();
}

#[tokio::test]
async fn max_connections_closes_extra_connections() {
    let path = socket_path("maxconn");
    let options = ServerOptions {
        max_connections: Some(1),
        ..ServerOptions::default()
    };
    let (server, mut srx) = listening(&path, options).await;
    let (_c1, mut r1) = dial(&path);
    assert!(matches!(next(&mut r1).await, Event::Connected { .. }));
    assert!(matches!(next(&mut srx).await, Event::Connected { .. }));
    let (_c2, mut r2) = dial(&path);
    // The second client connects at socket level, then is closed by the server.
    assert!(matches!(next(&mut r2).await, Event::Connected { .. }));
    closed(&mut r2).await;
    assert_eq!(server.connection_count(), 1);
    assert!(matches!(
        next(&mut srx).await,
        Event::Rejected {
            reason: node_ipc_tokio::error::IpcError::ConnectionLimit { limit: 1 },
            ..
        }
    ));
    assert!(timeout(Duration::from_millis(100), srx.recv())
        .await
        .is_err());
    server.shutdown();
}

#[tokio::test]
async fn oversize_frame_is_an_error_and_closes_only_that_connection() {
    let path = socket_path("oversize");
    let options = ServerOptions {
        framing: Framing::Delimited {
            delimiter: b"\x0c".to_vec(),
            max_message_size: 1024,
        },
        ..ServerOptions::default()
    };
    let (server, mut srx) = listening(&path, options).await;
    let (bad, mut r1) = dial(&path);
    assert!(matches!(next(&mut r1).await, Event::Connected { .. }));
    let (good, mut r2) = dial(&path);
    assert!(matches!(next(&mut r2).await, Event::Connected { .. }));
    let Event::Connected { conn: bad_conn, .. } = next(&mut srx).await else {
        panic!()
    };
    let Event::Connected {
        conn: good_conn, ..
    } = next(&mut srx).await
    else {
        panic!()
    };
    bad.send(Bytes::from(vec![b'x'; 4096])).expect("sent");
    match next(&mut srx).await {
        Event::Error { conn, error } => {
            assert_eq!(conn, bad_conn);
            assert_eq!(error.code(), Some("EMSGSIZE"));
        }
        other => panic!("expected Error, got {other:?}"),
    }
    assert!(
        matches!(next(&mut srx).await, Event::Closed { conn, had_error: true } if conn == bad_conn)
    );
    good.send(Bytes::from_static(b"{\"type\":\"ok\",\"data\":{}}\x0c"))
        .expect("sent");
    let got = messages(&mut srx, 1).await;
    assert_eq!(got[0].0, good_conn);
    server.shutdown();
}

#[tokio::test]
async fn socket_file_is_removed_on_close_and_stale_socket_replaced() {
    let path = socket_path("unlink");
    // A socket nobody serves any more (its listener is gone, the file stays).
    drop(std::os::unix::net::UnixListener::bind(&*path).expect("bind"));
    assert!(path.exists());
    let (server, _rx) = listening(&path, ServerOptions::default()).await;
    assert!(path.exists());
    server.close();
    for _ in 0..100 {
        if !path.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("socket file still present after close");
}

/// The first event of a server that must fail to listen.
async fn listen_failure(path: &std::path::Path) -> node_ipc_tokio::error::IpcError {
    let (sink, mut rx) = ChannelSink::new();
    let _server = Server::listen(
        Endpoint::Unix(path.to_path_buf()),
        ServerOptions::default(),
        sink,
    );
    match next(&mut rx).await {
        Event::ListenFailed(e) => e,
        other => panic!("expected ListenFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn unlink_refuses_a_regular_file_a_directory_and_a_live_server() {
    let path = socket_path("occupied");
    std::fs::write(&*path, b"precious").expect("write file");
    let e = listen_failure(&path).await;
    assert_eq!((e.code(), e.syscall()), (Some("EEXIST"), Some("listen")));
    assert!(e.to_string().contains("a regular file"), "{e}");
    assert_eq!(std::fs::read(&*path).expect("kept"), b"precious");
    std::fs::remove_file(&*path).expect("remove");

    std::fs::create_dir(&*path).expect("mkdir");
    let e = listen_failure(&path).await;
    std::fs::remove_dir(&*path).expect("the directory is still there");
    assert_eq!(e.code(), Some("EEXIST"));
    assert!(e.to_string().contains("a directory"), "{e}");

    let (live, mut live_rx) = listening(&path, ServerOptions::default()).await;
    let e = listen_failure(&path).await;
    assert_eq!(e.code(), Some("EADDRINUSE"));
    assert_eq!(e.address(), Some(path.to_str().expect("utf-8 path")));
    // The check was one connection, closed at once; the live server still serves the path.
    assert!(matches!(next(&mut live_rx).await, Event::Connected { .. }));
    closed(&mut live_rx).await;
    let (_client, mut crx) = dial(&path);
    assert!(matches!(next(&mut crx).await, Event::Connected { .. }));
    assert!(matches!(next(&mut live_rx).await, Event::Connected { .. }));
    live.shutdown();
}

#[tokio::test]
async fn address_in_use_without_unlink_and_too_long_paths_fail_clearly() {
    let path = socket_path("inuse");
    let (server, _rx) = listening(&path, ServerOptions::default()).await;
    let (sink, mut rx) = ChannelSink::new();
    let options = ServerOptions {
        unlink: false,
        ..ServerOptions::default()
    };
    let _second = Server::listen(Endpoint::Unix(path.to_path_buf()), options, sink);
    match next(&mut rx).await {
        Event::ListenFailed(e) => assert_eq!(e.code(), Some("EADDRINUSE")),
        other => panic!("expected ListenFailed, got {other:?}"),
    }
    server.close();

    let long = std::env::temp_dir().join("x".repeat(200));
    let (sink, mut rx) = ChannelSink::new();
    let _s = Server::listen(Endpoint::Unix(long), ServerOptions::default(), sink);
    match next(&mut rx).await {
        Event::ListenFailed(e) => {
            assert_eq!(e.code(), Some("ENAMETOOLONG"));
            assert!(e.to_string().contains("bytes"), "{e}");
        }
        other => panic!("expected ListenFailed, got {other:?}"),
    }
}

async fn client_event(rx: &mut Receiver<ClientEvent>) -> ClientEvent {
    timeout(WAIT, rx.recv())
        .await
        .expect("client event in time")
        .expect("client alive")
}

#[tokio::test]
async fn retry_state_machine_counts_attempts_then_destroys() {
    // CONTRACT §5.3: maxRetries N and no server give N+1 errors and disconnects, then destroy.
    let path = socket_path("noserver");
    let options = node_ipc_tokio::ClientOptions::default()
        .retry(Duration::from_millis(20))
        .max_retries(Some(2));
    let (_client, mut rx) = Client::start(Endpoint::Unix(path.to_path_buf()), options);
    let mut seen = Vec::new();
    loop {
        let ev = client_event(&mut rx).await;
        let name = match &ev {
            ClientEvent::Error(e) => {
                assert_eq!(e.code(), Some("ENOENT"));
                "error"
            }
            ClientEvent::Disconnect => "disconnect",
            ClientEvent::Destroy => "destroy",
            other => panic!("unexpected {other:?}"),
        };
        seen.push(name);
        if name == "destroy" {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            "error",
            "disconnect",
            "error",
            "disconnect",
            "error",
            "disconnect",
            "destroy"
        ]
    );
}

#[tokio::test]
async fn retrying_client_reaches_a_late_server_and_disconnect_flushes() {
    let path = socket_path("late");
    let options = node_ipc_tokio::ClientOptions::default().retry(Duration::from_millis(30));
    let (client, mut rx) = Client::start(Endpoint::Unix(path.to_path_buf()), options);
    assert!(matches!(client_event(&mut rx).await, ClientEvent::Error(_)));
    assert!(matches!(
        client_event(&mut rx).await,
        ClientEvent::Disconnect
    ));
    let (server, mut srx) = listening(&path, ServerOptions::default()).await;
    loop {
        match client_event(&mut rx).await {
            ClientEvent::Connect => break,
            ClientEvent::Error(_) | ClientEvent::Disconnect => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    // Q41: emit immediately followed by disconnect is still delivered.
    client
        .try_emit("last", &json!({"id": "rust"}))
        .expect("connected");
    client.disconnect();
    let got = messages(&mut srx, 1).await;
    assert_eq!(got[0].1, Message::new("last", json!({"id": "rust"})));
    assert!(matches!(
        client_event(&mut rx).await,
        ClientEvent::Disconnect
    ));
    assert!(matches!(client_event(&mut rx).await, ClientEvent::Destroy));
    client.finished().await;
    server.shutdown();
}

#[tokio::test]
async fn both_ends_learn_the_peer_process() {
    use std::os::unix::fs::MetadataExt;
    let path = socket_path("creds");
    let (server, mut srx) = listening(&path, ServerOptions::default()).await;
    // A file this process creates belongs to its effective user and group.
    let me = std::fs::metadata(&*path).expect("socket file");
    let expected = node_ipc_tokio::socket::PeerCredentials {
        pid: i32::try_from(std::process::id()).ok(),
        uid: me.uid(),
        gid: me.gid(),
    };
    let (_client, mut crx) = dial(&path);
    for rx in [&mut srx, &mut crx] {
        match next(rx).await {
            Event::Connected { credentials, .. } => assert_eq!(credentials, Some(expected)),
            other => panic!("expected Connected, got {other:?}"),
        }
    }
    server.shutdown();
}
