//! Socket-level behaviour: the peer's end of stream, bound addresses with port 0, TCP
//! options read back from the kernel, and detached servers fed accepted sockets.

mod common;

use std::time::Duration;

use bytes::Bytes;
use node_ipc_tokio::client::connect;
use node_ipc_tokio::codec::Framing;
use node_ipc_tokio::event::{ChannelSink, Event};
use node_ipc_tokio::server::{Server, ServerOptions};
use node_ipc_tokio::sockopt::SocketOption;
use node_ipc_tokio::transport::{ConnectOptions, Endpoint};
use node_ipc_tokio::udp::{UdpEndpoint, UdpFamily};
use std::io::{Read, Write};

use common::next;

fn tcp(port: u16) -> Endpoint {
    Endpoint::Tcp {
        host: "127.0.0.1".into(),
        port,
    }
}

/// A TCP server on a free port; returns it, its events and the port it is bound to.
async fn server_on_port_0() -> (Server, tokio::sync::mpsc::UnboundedReceiver<Event>, u16) {
    let (sink, mut events) = ChannelSink::new();
    let server = Server::listen(tcp(0), ServerOptions::default(), sink);
    assert!(matches!(next(&mut events).await, Event::Listening));
    let port = server.local_addr().expect("bound").port();
    (server, events, port)
}

#[tokio::test]
async fn a_server_on_port_0_reports_the_port_it_got() {
    let (server, _events, port) = server_on_port_0().await;
    assert_ne!(port, 0);
    assert_eq!(
        server.local_addr().map(|a| a.ip().to_string()),
        Some("127.0.0.1".into())
    );
    // Something really listens there.
    std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
}

#[tokio::test]
async fn the_peers_end_of_stream_is_reported_after_its_data_and_before_the_close() {
    let (_server, mut events, port) = server_on_port_0().await;
    let mut peer = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let conn = match next(&mut events).await {
        Event::Connected { conn, .. } => conn,
        other => panic!("expected Connected, got {other:?}"),
    };
    peer.write_all(b"{\"type\":\"a\",\"data\":1}\x0c")
        .expect("write");
    peer.shutdown(std::net::Shutdown::Write).expect("shutdown");
    match next(&mut events).await {
        Event::Frames { conn: c, run, .. } => {
            assert_eq!(c, conn);
            assert_eq!(&run[..], b"{\"type\":\"a\",\"data\":1}\x0c");
        }
        other => panic!("expected Frames, got {other:?}"),
    }
    assert!(matches!(next(&mut events).await, Event::Ended { conn: c } if c == conn));
    assert!(
        matches!(next(&mut events).await, Event::Closed { conn: c, had_error: false } if c == conn)
    );
    // The server closed its side too (no half-open connection).
    let mut rest = Vec::new();
    peer.read_to_end(&mut rest).expect("read to EOF");
    assert!(rest.is_empty());
}

#[tokio::test]
async fn a_connection_destroyed_locally_reports_no_end() {
    let (server, mut events, port) = server_on_port_0().await;
    let _peer = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let conn = match next(&mut events).await {
        Event::Connected { conn, .. } => conn,
        other => panic!("expected Connected, got {other:?}"),
    };
    server.destroy(conn);
    assert!(
        matches!(next(&mut events).await, Event::Closed { conn: c, had_error: false } if c == conn)
    );
}

#[tokio::test]
async fn tcp_options_set_on_a_connection_are_what_the_kernel_reports() {
    let (server, mut events, port) = server_on_port_0().await;
    let (sink, mut client_events) = ChannelSink::new();
    let client = connect(
        tcp(port),
        ConnectOptions::default(),
        Framing::default(),
        1,
        sink,
    );
    let conn = match next(&mut events).await {
        Event::Connected { conn, .. } => conn,
        other => panic!("expected Connected, got {other:?}"),
    };
    assert!(matches!(
        next(&mut client_events).await,
        Event::Connected { .. }
    ));
    let handle = server.connection(conn).expect("open");
    let initial = handle.tcp_settings().expect("a TCP socket");
    assert!(initial.no_delay, "connections start with Nagle off");
    assert!(!initial.keep_alive);
    assert!(handle
        .set_option(SocketOption::NoDelay(false))
        .expect("set"));
    assert!(handle
        .set_option(SocketOption::KeepAlive(Some(Duration::from_secs(9))))
        .expect("set"));
    let now = handle.tcp_settings().expect("a TCP socket");
    assert!(!now.no_delay);
    assert!(now.keep_alive);
    #[cfg(target_os = "linux")]
    assert_eq!(now.keep_alive_idle, Some(Duration::from_secs(9)));
    assert!(handle
        .set_option(SocketOption::KeepAlive(None))
        .expect("set"));
    assert!(!handle.tcp_settings().expect("a TCP socket").keep_alive);
    // Both ends know their addresses: the server side's local port is the listener's.
    assert_eq!(handle.local_addr().map(|a| a.port()), Some(port));
    // The client's tasks start just after it reports Connected.
    let deadline = std::time::Instant::now() + common::WAIT;
    while client.local_addr().is_none() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let client_local = client.local_addr().expect("client bound");
    assert_ne!(client_local.port(), port);
    // Once the connection is closed there is no socket to set anything on.
    server.destroy(conn);
    assert!(matches!(next(&mut events).await, Event::Closed { .. }));
    assert!(!handle
        .set_option(SocketOption::NoDelay(true))
        .expect("no error, nothing set"));
    assert_eq!(handle.tcp_settings(), None);
}

// Multi-threaded: the test reads with a blocking call while the server's tasks write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detached_server_serves_sockets_accepted_elsewhere() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (sink, mut events) = ChannelSink::new();
    let server = Server::detached(ServerOptions::default(), sink);
    assert_eq!(server.local_addr(), None);
    let mut peer = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let (accepted, _) = listener.accept().expect("accept");
    server.accept_tcp(accepted).expect("handed in");
    let conn = match next(&mut events).await {
        Event::Connected {
            conn, peer: from, ..
        } => {
            assert_eq!(from, Some(peer.local_addr().expect("addr").to_string()));
            conn
        }
        other => panic!("expected Connected, got {other:?}"),
    };
    peer.write_all(b"{\"type\":\"hi\",\"data\":{}}\x0c")
        .expect("write");
    assert!(matches!(next(&mut events).await, Event::Frames { conn: c, .. } if c == conn));
    server
        .send(
            conn,
            Bytes::from_static(b"{\"type\":\"back\",\"data\":2}\x0c"),
        )
        .expect("send");
    let mut buf = [0u8; 64];
    let n = peer.read(&mut buf).expect("read");
    assert_eq!(&buf[..n], b"{\"type\":\"back\",\"data\":2}\x0c");
    // Closed: it takes nothing more.
    server.close();
    let (again, _) = {
        let _second = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        listener.accept().expect("accept")
    };
    assert!(server.accept_tcp(again).is_err());
}

#[tokio::test]
async fn a_udp_endpoint_on_port_0_reports_the_port_it_got() {
    let (sink, mut events) = ChannelSink::new();
    let udp = UdpEndpoint::bind(
        "127.0.0.1".into(),
        0,
        UdpFamily::V4,
        Default::default(),
        sink,
    );
    assert!(matches!(next(&mut events).await, Event::Listening));
    let bound = udp.local_addr().expect("bound");
    assert_ne!(bound.port(), 0);
    let probe = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    probe
        .send_to(b"{\"type\":\"x\",\"data\":1}\x0c", bound)
        .expect("send");
    assert!(matches!(
        next(&mut events).await,
        Event::Datagram { from, .. } if from == probe.local_addr().expect("addr")
    ));
}
