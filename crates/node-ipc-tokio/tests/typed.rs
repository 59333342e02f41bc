//! The public API as a Rust user sees it: typed server and client, lifecycle,
//! request/response. Only root items are used (no `embed` feature).
#![cfg(unix)]

use std::io::{Read, Write};
use std::time::Duration;

use node_ipc_tokio::{
    Client, ClientEvent, ClientOptions, ConnId, Endpoint, Error, RemoteError, Server, ServerEvent,
    ServerOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(5);

/// A unique socket path, removed when the test ends.
struct TempPath(std::path::PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn socket_path(tag: &str) -> TempPath {
    TempPath(std::env::temp_dir().join(format!("nit-typed-{tag}-{}.sock", std::process::id())))
}

fn unix(path: &TempPath) -> Endpoint {
    Endpoint::unix(&path.0)
}

async fn event(server: &mut Server) -> ServerEvent {
    timeout(WAIT, server.next_event())
        .await
        .expect("server event in time")
        .expect("server events open")
}

async fn connected(server: &mut Server) -> ConnId {
    match event(server).await {
        ServerEvent::Connected { conn, .. } => conn,
        other => panic!("expected Connected, got {other:?}"),
    }
}

async fn client_message(
    rx: &mut tokio::sync::mpsc::Receiver<ClientEvent>,
) -> node_ipc_tokio::Message {
    loop {
        match timeout(WAIT, rx.recv())
            .await
            .expect("client event in time")
        {
            Some(ClientEvent::Message(m)) => return m,
            Some(ClientEvent::Connect) => {}
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

fn quick() -> ClientOptions {
    ClientOptions::default().retry(Duration::from_millis(20))
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Point {
    x: i32,
    label: String,
}

#[tokio::test]
async fn typed_messages_both_ways_with_the_connection_they_came_from() {
    let path = socket_path("typed");
    let mut server = Server::bind(unix(&path), ServerOptions::default())
        .await
        .expect("bind");
    assert_eq!(server.local_addr(), None);
    let (a, mut a_rx) = Client::start(unix(&path), quick());
    a.connected().await.expect("a connected");
    let conn_a = connected(&mut server).await;
    let (b, mut b_rx) = Client::start(unix(&path), quick());
    b.connected().await.expect("b connected");
    let conn_b = connected(&mut server).await;
    assert_ne!(conn_a, conn_b);

    let p = Point {
        x: -3,
        label: "é\u{c}\u{1f600}".into(),
    };
    b.emit("point", &p).await.expect("sent");
    match event(&mut server).await {
        ServerEvent::Message { conn, message } => {
            assert_eq!(conn, conn_b);
            assert_eq!(message.r#type, "point");
            assert_eq!(message.data_as::<Point>().expect("a Point"), p);
            let wrong = message.data_as::<Vec<String>>().expect_err("not a list");
            assert!(
                matches!(&wrong, Error::Data { r#type, .. } if r#type == "point"),
                "{wrong}"
            );
            assert_eq!(wrong.code(), Some("ERR_IPC_DATA"));
        }
        other => panic!("{other:?}"),
    }
    server
        .emit(conn_a, "only-a", &json!([1, "two"]))
        .await
        .expect("emit");
    assert_eq!(client_message(&mut a_rx).await.data, json!([1, "two"]));
    assert_eq!(server.broadcast("all", &false).expect("encoded"), 2);
    assert_eq!(client_message(&mut a_rx).await.data, json!(false));
    assert_eq!(client_message(&mut b_rx).await.data, json!(false));

    // A connection that closed: emit says so instead of dropping silently.
    b.disconnect();
    match event(&mut server).await {
        ServerEvent::Disconnected { conn, had_error } => {
            assert_eq!((conn, had_error), (conn_b, false))
        }
        other => panic!("{other:?}"),
    }
    let gone = server.emit(conn_b, "late", &1).await.expect_err("closed");
    assert_eq!(gone.code(), Some("ENOTCONN"));
    assert_eq!(
        b.emit("late", &1).await.expect_err("disconnected").code(),
        Some("ENOTCONN")
    );
}

#[tokio::test]
async fn bind_fails_at_once_with_the_reason() {
    let path = socket_path("twice");
    let _first = Server::bind(unix(&path), ServerOptions::default())
        .await
        .expect("bind");
    let again = Server::bind(unix(&path), ServerOptions::default())
        .await
        .expect_err("in use");
    assert!(matches!(again, Error::AddressInUse { .. }), "{again}");
    assert_eq!(again.code(), Some("EADDRINUSE"));

    let tcp = Server::bind(Endpoint::tcp("127.0.0.1", 0), ServerOptions::default())
        .await
        .expect("port 0");
    let port = tcp.local_addr().expect("bound address").port();
    assert_ne!(port, 0);
    let taken = Server::bind(Endpoint::tcp("127.0.0.1", port), ServerOptions::default())
        .await
        .expect_err("port in use");
    assert_eq!(taken.code(), Some("EADDRINUSE"));
    assert_eq!(
        taken.to_string(),
        format!("listen EADDRINUSE 127.0.0.1:{port}")
    );

    let long = Endpoint::unix(format!("/tmp/{}", "x".repeat(200)));
    let too_long = Server::bind(long, ServerOptions::default())
        .await
        .expect_err("too long");
    assert_eq!(too_long.code(), Some("ENAMETOOLONG"));

    // A TCP client of the port-0 server reaches it.
    let (c, _rx) = Client::start(Endpoint::tcp("127.0.0.1", port), quick());
    c.connected().await.expect("connected over TCP");
}

#[tokio::test]
async fn dropping_the_server_stops_it_and_removes_the_socket_file() {
    let path = socket_path("drop");
    let server = Server::bind(unix(&path), ServerOptions::default())
        .await
        .expect("bind");
    let handle = server.handle();
    drop(server);
    assert!(path.0.exists(), "a handle keeps it listening");
    let (c, mut rx) = Client::start(unix(&path), quick().stop_retrying(true));
    c.connected().await.expect("connected");
    drop(handle);
    assert!(
        !path.0.exists(),
        "the file is gone when the last handle is dropped"
    );
    // Its connections are closed too.
    loop {
        match timeout(WAIT, rx.recv()).await.expect("in time") {
            Some(ClientEvent::Disconnect) => break,
            Some(ClientEvent::Connect) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(std::os::unix::net::UnixStream::connect(&path.0).is_err());
}

#[tokio::test]
async fn shutdown_flushes_what_was_queued_then_closes_and_waits() {
    let path = socket_path("shutdown");
    let mut server = Server::bind(unix(&path), ServerOptions::default())
        .await
        .expect("bind");
    let mut raw = std::os::unix::net::UnixStream::connect(&path.0).expect("connect");
    let conn = connected(&mut server).await;
    let big = "y".repeat(4 << 20);
    server.try_emit(conn, "big", &big).expect("queued");
    server.try_emit(conn, "last", &"bye").expect("queued");
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        raw.read_to_end(&mut all).expect("read to EOF");
        all
    });
    timeout(WAIT, server.shutdown())
        .await
        .expect("shutdown in time");
    assert!(!path.0.exists());
    assert_eq!(server.connection_count(), 0);
    let all = reader.join().expect("reader");
    let expected = format!(
        "{{\"type\":\"big\",\"data\":\"{big}\"}}\u{c}{{\"type\":\"last\",\"data\":\"bye\"}}\u{c}"
    );
    assert_eq!(all.len(), expected.len());
    assert!(all == expected.as_bytes(), "every queued byte, in order");
    assert_eq!(
        server
            .emit(conn, "after", &1)
            .await
            .expect_err("shut")
            .code(),
        Some("ENOTCONN")
    );
}

#[tokio::test]
async fn connections_over_the_limit_are_reported_as_rejected() {
    let path = socket_path("limit");
    let options = ServerOptions::default().max_connections(Some(1));
    let mut server = Server::bind(unix(&path), options).await.expect("bind");
    let _first = std::os::unix::net::UnixStream::connect(&path.0).expect("first");
    connected(&mut server).await;
    let mut second = std::os::unix::net::UnixStream::connect(&path.0).expect("second");
    match event(&mut server).await {
        ServerEvent::Rejected { reason, .. } => {
            assert!(
                matches!(reason, Error::ConnectionLimit { limit: 1 }),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    let mut buf = [0u8; 1];
    assert_eq!(
        second.read(&mut buf).expect("EOF"),
        0,
        "closed by the server"
    );
}

#[tokio::test]
async fn invalid_frames_are_reported_and_the_connection_stays() {
    let path = socket_path("invalid");
    let mut server = Server::bind(unix(&path), ServerOptions::default())
        .await
        .expect("bind");
    let mut raw = std::os::unix::net::UnixStream::connect(&path.0).expect("connect");
    let conn = connected(&mut server).await;
    raw.write_all(b"{nope\x0c{\"type\":\"ok\",\"data\":\"x\\ud800y\"}\x0c")
        .expect("write");
    match event(&mut server).await {
        ServerEvent::InvalidFrame { conn: c, frame } => {
            assert_eq!(c, conn);
            assert_eq!(frame.response, "{nope");
        }
        other => panic!("{other:?}"),
    }
    match event(&mut server).await {
        ServerEvent::Message { message, .. } => {
            assert_eq!(
                message.data,
                json!("x\u{fffd}y"),
                "a lone surrogate reads as U+FFFD"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[derive(Serialize, Deserialize)]
struct Div {
    a: f64,
    b: f64,
}

async fn divider(path: &TempPath) -> Server {
    let server = Server::bind(unix(path), ServerOptions::default())
        .await
        .expect("bind");
    server.handle_requests("div", |_conn, req: Div| async move {
        if req.b == 0.0 {
            return Err(RemoteError::new("division by zero")
                .with_name("RangeError")
                .with_code("E_ZERO"));
        }
        Ok(req.a / req.b)
    });
    server.handle_requests("echo", |conn, value: serde_json::Value| async move {
        Ok(json!({"conn": conn, "value": value}))
    });
    server.handle_requests("slow", |_conn, ms: u64| async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(ms)
    });
    server
}

#[tokio::test]
async fn requests_get_their_replies_errors_and_timeouts() {
    let path = socket_path("request");
    let mut server = divider(&path).await;
    let (client, _rx) = Client::start(unix(&path), quick());
    client.connected().await.expect("connected");

    let q: f64 = client
        .request("div", &Div { a: 1.0, b: 4.0 }, WAIT)
        .await
        .expect("reply");
    assert_eq!(q, 0.25);
    match client
        .request::<_, f64>("div", &Div { a: 1.0, b: 0.0 }, WAIT)
        .await
    {
        Err(Error::Remote(e)) => {
            assert_eq!(
                e,
                RemoteError::new("division by zero")
                    .with_name("RangeError")
                    .with_code("E_ZERO")
            );
            assert_eq!(e.to_string(), "RangeError: division by zero (E_ZERO)");
        }
        other => panic!("{other:?}"),
    }
    // Data that is not the handler's type is answered with a TypeError.
    match client.request::<_, f64>("div", &"one", WAIT).await {
        Err(Error::Remote(e)) => {
            assert_eq!(e.name, "TypeError");
            assert!(
                e.message.starts_with("invalid request data: "),
                "{}",
                e.message
            );
        }
        other => panic!("{other:?}"),
    }
    // A reply that is not the type asked for.
    let wrong = client
        .request::<_, Vec<u8>>("div", &Div { a: 1.0, b: 2.0 }, WAIT)
        .await
        .expect_err("not bytes");
    assert!(
        matches!(&wrong, Error::Data { r#type, .. } if r#type == "div.reply"),
        "{wrong}"
    );

    // Timeout; the late reply is not delivered as a message either.
    let late = client
        .request::<_, u64>("slow", &300, Duration::from_millis(50))
        .await
        .expect_err("timeout");
    assert_eq!(late.code(), Some("ERR_IPC_REQUEST_TIMEOUT"));
    assert_eq!(
        late.to_string(),
        "no reply to the \"slow\" request within 50 ms"
    );

    // No handler: the request is an ordinary message, with the id in its data.
    let unanswered = client.request::<_, u64>("nobody", &7, Duration::from_millis(100));
    let (outcome, seen) = tokio::join!(unanswered, event(&mut server));
    assert_eq!(
        outcome.expect_err("nobody answers").code(),
        Some("ERR_IPC_REQUEST_TIMEOUT")
    );
    match seen {
        ServerEvent::Connected { .. } => {}
        other => panic!("{other:?}"),
    }
    match event(&mut server).await {
        ServerEvent::Message { message, .. } => {
            assert_eq!(message.r#type, "nobody");
            assert_eq!(message.data["data"], json!(7));
            assert!(message.data["$req"].as_u64().is_some_and(|id| id > 0));
        }
        other => panic!("{other:?}"),
    }
    // Removing a handler turns its requests back into messages.
    server.remove_handler("div");
    let gone = client
        .request::<_, f64>("div", &Div { a: 1.0, b: 1.0 }, Duration::from_millis(100))
        .await;
    assert_eq!(
        gone.expect_err("unhandled").code(),
        Some("ERR_IPC_REQUEST_TIMEOUT")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_requests_in_flight_are_matched_to_their_replies() {
    let path = socket_path("pipelined");
    let _server = divider(&path).await.into_handle();
    let (client, _rx) = Client::start(unix(&path), quick());
    client.connected().await.expect("connected");
    let client = std::sync::Arc::new(client);
    let mut tasks = Vec::new();
    for i in 0..1000u64 {
        let client = std::sync::Arc::clone(&client);
        tasks.push(tokio::spawn(async move {
            let r: serde_json::Value = client
                .request("echo", &json!({"i": i}), WAIT)
                .await
                .expect("reply");
            (i, r)
        }));
    }
    for task in tasks {
        let (i, r) = task.await.expect("task");
        assert_eq!(r["value"], json!({"i": i}));
    }
}

#[tokio::test]
async fn a_lost_connection_fails_pending_requests_and_sends_fail_while_disconnected() {
    let path = socket_path("lost");
    let server = divider(&path).await;
    let (client, _rx) = Client::start(unix(&path), quick());
    client.connected().await.expect("connected");
    let pending = client.request::<_, u64>("slow", &2000, WAIT);
    let stop = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(server);
    };
    let (outcome, ()) = tokio::join!(pending, stop);
    match outcome {
        Err(e @ Error::Disconnected { .. }) => {
            assert_eq!(e.code(), Some("ERR_IPC_DISCONNECTED"));
            assert_eq!(
                e.to_string(),
                "the connection closed before the reply to the \"slow\" request arrived"
            );
        }
        other => panic!("{other:?}"),
    }
    // Between reconnect attempts nothing is queued: an error, not a silent drop.
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert!(!client.is_connected());
    let failed = client
        .request::<_, u64>("slow", &1, WAIT)
        .await
        .expect_err("not connected");
    assert!(
        matches!(failed, Error::NotConnected | Error::Disconnected { .. }),
        "{failed}"
    );

    // The server comes back: the client reconnects by itself.
    let _again = divider(&path).await;
    timeout(WAIT, client.connected())
        .await
        .expect("in time")
        .expect("reconnected");
    let q: f64 = client
        .request("div", &Div { a: 3.0, b: 2.0 }, WAIT)
        .await
        .expect("reply");
    assert_eq!(q, 1.5);
}

#[tokio::test]
async fn connected_fails_once_the_client_gives_up() {
    let path = socket_path("nobody");
    let (client, _rx) = Client::start(unix(&path), quick().max_retries(Some(1)));
    let e = timeout(WAIT, client.connected())
        .await
        .expect("in time")
        .expect_err("no server");
    assert_eq!(e.code(), Some("ENOTCONN"));
}
