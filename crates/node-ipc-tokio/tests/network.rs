//! ipc-core over TCP, TLS and UDP on loopback, Rust to Rust.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use node_ipc_tokio::client::connect;
use node_ipc_tokio::codec::split_frames;
use node_ipc_tokio::codec::Framing;
use node_ipc_tokio::event::{ChannelSink, Event};
use node_ipc_tokio::message::Message;
use node_ipc_tokio::server::{Server, ServerOptions};
use node_ipc_tokio::tls::{TlsClient, TlsClientOptions, TlsServer, TlsServerOptions};
use node_ipc_tokio::transport::{ConnectOptions, Endpoint};
use node_ipc_tokio::udp::{UdpEndpoint, UdpFamily};
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::timeout;

use common::next;

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn free_udp_port() -> u16 {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr").port()
}

fn cert(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../local-node-ipc-certs")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn serve(port: u16, tls: Option<TlsServer>) -> (Server, UnboundedReceiver<Event>) {
    let (sink, mut rx) = ChannelSink::new();
    let options = ServerOptions {
        tls,
        ..ServerOptions::default()
    };
    let endpoint = Endpoint::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    let server = Server::listen(endpoint, options, sink);
    assert!(matches!(next(&mut rx).await, Event::Listening));
    (server, rx)
}

fn frame(r#type: &str, data: serde_json::Value) -> Bytes {
    Bytes::from(Message::new(r#type, data).encode(b"\x0c"))
}

async fn one_message(rx: &mut UnboundedReceiver<Event>) -> (u32, Message) {
    loop {
        match next(rx).await {
            Event::Frames { conn, run, .. } => {
                let f = split_frames(&run, b"\x0c").next().expect("a frame");
                return (conn, Message::parse(f).expect("valid"));
            }
            Event::Connected { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn tls_server(request_cert: bool) -> TlsServer {
    TlsServer::new(&TlsServerOptions {
        cert: cert("server.pub"),
        key: cert("private/server.key"),
        ca: vec![cert("client.pub")],
        request_cert,
        reject_unauthorized: request_cert,
    })
    .expect("server config")
}

fn tls_client(options: TlsClientOptions) -> ConnectOptions {
    ConnectOptions {
        tls: Some(TlsClient::new(&options).expect("client config")),
        ..ConnectOptions::default()
    }
}

async fn connect_to(
    port: u16,
    host: &str,
    options: ConnectOptions,
) -> (
    node_ipc_tokio::connection::ConnectionHandle,
    UnboundedReceiver<Event>,
) {
    let (sink, rx) = ChannelSink::new();
    let endpoint = Endpoint::Tcp {
        host: host.into(),
        port,
    };
    (connect(endpoint, options, Framing::default(), 1, sink), rx)
}

#[tokio::test]
async fn tcp_round_trip_reports_peer_addresses() {
    let port = free_port();
    let (server, mut srx) = serve(port, None).await;
    let (client, mut crx) = connect_to(port, "localhost", ConnectOptions::default()).await;
    match next(&mut crx).await {
        Event::Connected { peer, .. } => {
            let peer = peer.expect("peer address");
            assert!(peer.ends_with(&format!(":{port}")), "{peer}");
        }
        other => panic!("expected Connected, got {other:?}"),
    }
    client
        .send(frame("hello", json!({"id": "c1"})))
        .expect("sent");
    match next(&mut srx).await {
        Event::Connected { peer, .. } => {
            assert!(peer.expect("peer").starts_with("127.0.0.1:") || cfg!(not(unix)));
        }
        other => panic!("expected Connected, got {other:?}"),
    }
    let (conn, m) = one_message(&mut srx).await;
    assert_eq!(m, Message::new("hello", json!({"id": "c1"})));
    server
        .send(conn, frame("reply", json!("\u{1F600}\u{c}")))
        .expect("sent");
    let (_, reply) = one_message(&mut crx).await;
    assert_eq!(reply.data, json!("\u{1F600}\u{c}"));
    server.shutdown();
}

#[tokio::test]
async fn tcp_refused_is_econnrefused_with_address() {
    let port = free_port();
    let (_client, mut rx) = connect_to(port, "127.0.0.1", ConnectOptions::default()).await;
    match next(&mut rx).await {
        Event::Error { error, .. } => {
            assert_eq!(error.code(), Some("ECONNREFUSED"));
            assert_eq!(
                error.to_string(),
                format!("connect ECONNREFUSED 127.0.0.1:{port}")
            );
        }
        other => panic!("expected Error, got {other:?}"),
    }
    assert!(matches!(
        next(&mut rx).await,
        Event::Closed {
            had_error: true,
            ..
        }
    ));
}

#[tokio::test]
async fn unresolvable_host_is_enotfound() {
    let (_client, mut rx) = connect_to(1, "no-such-host.invalid", ConnectOptions::default()).await;
    match next(&mut rx).await {
        Event::Error { error, .. } => assert_eq!(error.code(), Some("ENOTFOUND")),
        other => panic!("expected Error, got {other:?}"),
    }
}

#[tokio::test]
async fn mutual_tls_round_trip_with_pinned_self_signed_certificates() {
    let port = free_port();
    let (server, mut srx) = serve(port, Some(tls_server(true))).await;
    let options = tls_client(TlsClientOptions {
        ca: vec![cert("server.pub")],
        cert: Some(cert("client.pub")),
        key: Some(cert("private/client.key")),
        reject_unauthorized: true,
        servername: None,
    });
    let (client, mut crx) = connect_to(port, "localhost", options).await;
    assert!(matches!(next(&mut crx).await, Event::Connected { .. }));
    client.send(frame("secure", json!({"n": 1}))).expect("sent");
    let (conn, m) = one_message(&mut srx).await;
    assert_eq!(m.r#type, "secure");
    server.send(conn, frame("ack", json!(true))).expect("sent");
    assert_eq!(one_message(&mut crx).await.1.data, json!(true));
    server.shutdown();
}

#[tokio::test]
async fn tls_client_without_certificate_is_refused_when_server_requires_one() {
    let port = free_port();
    let (server, mut srx) = serve(port, Some(tls_server(true))).await;
    let options = tls_client(TlsClientOptions {
        ca: vec![cert("server.pub")],
        ..TlsClientOptions::default()
    });
    let (client, mut crx) = connect_to(port, "127.0.0.1", options).await;
    assert!(matches!(next(&mut crx).await, Event::Connected { .. }));
    client.send(frame("x", json!({}))).expect("sent");
    // TLS 1.3: the refusal arrives after the client finished its side of the handshake.
    loop {
        match next(&mut crx).await {
            Event::Closed { .. } => break,
            Event::Error { .. } | Event::Frames { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    // The server reports the refused handshake, and no connection.
    match next(&mut srx).await {
        Event::Rejected { reason, peer } => {
            assert_eq!(
                reason.code(),
                Some("ERR_TLS_NO_PEER_CERTIFICATE"),
                "{reason}"
            );
            assert!(peer.is_some_and(|p| p.starts_with("127.0.0.1:")));
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert!(
        timeout(Duration::from_millis(200), srx.recv())
            .await
            .is_err(),
        "no connection on the server"
    );
    server.shutdown();
}

#[tokio::test]
async fn untrusted_and_wrong_name_certificates_fail_with_node_codes_after_connect() {
    let port = free_port();
    let (server, _srx) = serve(port, Some(tls_server(false))).await;
    // No ca: the Mozilla roots do not know our self-signed certificate.
    let (_c, mut rx) = connect_to(port, "localhost", tls_client(TlsClientOptions::default())).await;
    assert!(
        matches!(next(&mut rx).await, Event::Connected { .. }),
        "Q25: connect before the handshake"
    );
    match next(&mut rx).await {
        Event::Error { error, .. } => {
            // Node says the same for this (self-signed, CA:TRUE) certificate.
            assert_eq!(error.code(), Some("DEPTH_ZERO_SELF_SIGNED_CERT"));
            assert_eq!(error.to_string(), "self-signed certificate");
        }
        other => panic!("expected Error, got {other:?}"),
    }
    assert!(matches!(
        next(&mut rx).await,
        Event::Closed {
            had_error: true,
            ..
        }
    ));

    let wrong_name = tls_client(TlsClientOptions {
        ca: vec![cert("server.pub")],
        servername: Some("example.com".into()),
        ..TlsClientOptions::default()
    });
    let (_c, mut rx) = connect_to(port, "localhost", wrong_name).await;
    assert!(matches!(next(&mut rx).await, Event::Connected { .. }));
    match next(&mut rx).await {
        Event::Error { error, .. } => {
            assert_eq!(error.code(), Some("ERR_TLS_CERT_ALTNAME_INVALID"))
        }
        other => panic!("expected Error, got {other:?}"),
    }

    // rejectUnauthorized: false accepts anything.
    let lax = tls_client(TlsClientOptions {
        reject_unauthorized: false,
        ..TlsClientOptions::default()
    });
    let (client, mut rx) = connect_to(port, "127.0.0.1", lax).await;
    assert!(matches!(next(&mut rx).await, Event::Connected { .. }));
    client.send(frame("x", json!({}))).expect("sent");
    assert!(
        timeout(Duration::from_millis(300), rx.recv())
            .await
            .is_err(),
        "stays open"
    );
    server.shutdown();
}

#[tokio::test]
async fn bad_pem_is_a_configuration_error() {
    let err = TlsServer::new(&TlsServerOptions {
        cert: b"not a certificate".to_vec(),
        key: cert("private/server.key"),
        ca: vec![],
        request_cert: false,
        reject_unauthorized: false,
    })
    .expect_err("bad cert");
    assert_eq!(err.code(), Some("ERR_TLS_CONFIG"));
    let err = TlsClient::new(&TlsClientOptions {
        cert: Some(cert("client.pub")),
        key: Some(cert("client.pub")),
        ..TlsClientOptions::default()
    })
    .expect_err("a certificate is not a key");
    assert!(err.to_string().contains("key"), "{err}");
}

async fn udp(port: u16, family: UdpFamily, host: &str) -> (UdpEndpoint, UnboundedReceiver<Event>) {
    let (sink, mut rx) = ChannelSink::new();
    let ep = UdpEndpoint::bind(host.into(), port, family, Default::default(), sink);
    match next(&mut rx).await {
        Event::Listening => {}
        other => panic!("expected Listening, got {other:?}"),
    }
    (ep, rx)
}

#[tokio::test]
async fn udp4_datagrams_both_ways_and_send_errors_are_events() {
    let (pa, pb) = (free_udp_port(), free_udp_port());
    let (a, mut arx) = udp(pa, UdpFamily::V4, "127.0.0.1").await;
    let (b, mut brx) = udp(pb, UdpFamily::V4, "127.0.0.1").await;
    b.send_to("localhost".into(), pa, frame("hi", json!({"id": "b"})));
    let from = match next(&mut arx).await {
        Event::Datagram { from, bytes, .. } => {
            assert_eq!(&bytes[..], &frame("hi", json!({"id": "b"}))[..]);
            from
        }
        other => panic!("expected Datagram, got {other:?}"),
    };
    assert_eq!(from.port(), pb);
    a.send_to(
        from.ip().to_string(),
        from.port(),
        Bytes::from_static(b"one\x0ctwo\x0c"),
    );
    match next(&mut brx).await {
        Event::Datagram { bytes, .. } => assert_eq!(&bytes[..], b"one\x0ctwo\x0c"),
        other => panic!("expected Datagram, got {other:?}"),
    }
    b.send_to("no-such-host.invalid".into(), 1, Bytes::from_static(b"x"));
    match next(&mut brx).await {
        Event::Error { conn: 0, error } => assert_eq!(error.code(), Some("ENOTFOUND")),
        other => panic!("expected Error, got {other:?}"),
    }
    a.close();
    loop {
        if let Event::Closed { .. } = next(&mut arx).await {
            break;
        }
    }
}

#[tokio::test]
async fn udp6_on_loopback_and_on_an_ipv4_host_is_einval() {
    let (pa, pb) = (free_udp_port(), free_udp_port());
    let (sink, mut rx) = ChannelSink::new();
    let _wrong = UdpEndpoint::bind(
        "127.0.0.1".into(),
        pa,
        UdpFamily::V6,
        Default::default(),
        sink,
    );
    match next(&mut rx).await {
        Event::ListenFailed(e) => assert_eq!(e.code(), Some("EINVAL")),
        other => panic!("expected ListenFailed, got {other:?}"),
    }
    if std::net::UdpSocket::bind("[::1]:0").is_err() {
        return; // no IPv6 loopback on this machine
    }
    let (a, mut arx) = udp(pa, UdpFamily::V6, "::1").await;
    let (b, _brx) = udp(pb, UdpFamily::V6, "::1").await;
    b.send_to("::1".into(), pa, frame("six", json!({})));
    match next(&mut arx).await {
        Event::Datagram { from, .. } => assert!(from.is_ipv6()),
        other => panic!("expected Datagram, got {other:?}"),
    }
    a.close();
}
