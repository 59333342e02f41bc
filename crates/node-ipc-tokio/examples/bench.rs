//! Rust-to-Rust benchmark of the engine beside a bare tokio loop with the same framing
//! (JSON frames + '\f'): flood (messages one way) and pingpong (sequential round trips);
//! and request/response with 64 in flight through the public API beside crates.io's
//! node-ipc 14 crate; over Unix sockets and TCP.
//! Run: `cargo run --release -p node-ipc-tokio --features embed --example bench`
//! (`-- --json` for machine output, `-- --quick` for a short run). Each side uses the API
//! a Rust program would pick: `send` (coalescing) for the flood, `send_now` (write
//! through) for request/response.

use std::time::{Duration, Instant};

use bytes::Bytes;
use node_ipc_tokio::client::connect;
use node_ipc_tokio::codec::split_frames;
use node_ipc_tokio::codec::Framing;
use node_ipc_tokio::event::{ChannelSink, Event};
use node_ipc_tokio::message::Message;
use node_ipc_tokio::server::{Server, ServerOptions};
use node_ipc_tokio::transport::{ConnectOptions, Endpoint};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DELIM: u8 = 0x0c;

#[derive(Clone, Copy, PartialEq)]
enum Via {
    Unix,
    Tcp,
}

impl Via {
    fn name(self) -> &'static str {
        match self {
            Via::Unix => "unix",
            Via::Tcp => "tcp",
        }
    }
}

struct Args {
    flood: usize,
    rounds: usize,
    requests: usize,
    runs: usize,
    json: bool,
}

fn args() -> Args {
    let all: Vec<String> = std::env::args().collect();
    let quick = all.iter().any(|a| a == "--quick");
    Args {
        flood: if quick { 20_000 } else { 200_000 },
        rounds: if quick { 2_000 } else { 20_000 },
        requests: if quick { 5_000 } else { 50_000 },
        runs: if quick { 1 } else { 3 },
        json: all.iter().any(|a| a == "--json"),
    }
}

fn frame(i: usize) -> Bytes {
    Bytes::from(Message::new("m", json!({ "i": i, "s": "some short text" })).encode(&[DELIM]))
}

fn endpoint(via: Via, tag: &str) -> Endpoint {
    match via {
        Via::Unix => Endpoint::Unix(
            std::env::temp_dir().join(format!("ipc-core-bench-{tag}-{}.sock", std::process::id())),
        ),
        Via::Tcp => {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .unwrap_or(47_000);
            Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port,
            }
        }
    }
}

async fn listening(endpoint: &Endpoint) -> (Server, tokio::sync::mpsc::UnboundedReceiver<Event>) {
    let (sink, mut rx) = ChannelSink::new();
    let server = Server::listen(endpoint.clone(), ServerOptions::default(), sink);
    match rx.recv().await {
        Some(Event::Listening) => {}
        other => panic!("server did not start: {other:?}"),
    }
    (server, rx)
}

/// ipc-core flood: messages per second, checked in order.
async fn core_flood(via: Via, n: usize) -> f64 {
    let ep = endpoint(via, "flood");
    let (server, mut srx) = listening(&ep).await;
    let (csink, mut crx) = ChannelSink::new();
    let client = connect(
        ep.clone(),
        ConnectOptions::default(),
        Framing::default(),
        1,
        csink,
    );
    assert!(matches!(crx.recv().await, Some(Event::Connected { .. })));
    let frames: Vec<Bytes> = (0..n).map(frame).collect();
    let start = Instant::now();
    for f in frames {
        client.send(f).expect("sent");
    }
    let mut seen = 0usize;
    while seen < n {
        match srx.recv().await {
            Some(Event::Frames { run, .. }) => {
                for f in split_frames(&run, &[DELIM]) {
                    let m = Message::parse(f).expect("valid frame");
                    assert_eq!(m.data["i"], seen, "in order");
                    seen += 1;
                }
            }
            Some(Event::Connected { .. }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    client.destroy();
    server.shutdown();
    remove_socket_file(&ep);
    rate
}

/// ipc-core pingpong: (p50 µs, p99 µs).
async fn core_pingpong(via: Via, n: usize) -> (f64, f64) {
    let ep = endpoint(via, "pp");
    let (server, mut srx) = listening(&ep).await;
    tokio::spawn(async move {
        while let Some(ev) = srx.recv().await {
            if let Event::Frames { conn, run, .. } = ev {
                // One reply per request: write through (the latency API).
                server.send_now(conn, run).expect("sent");
            }
        }
    });
    let (csink, mut crx) = ChannelSink::new();
    let client = connect(
        ep.clone(),
        ConnectOptions::default(),
        Framing::default(),
        1,
        csink,
    );
    assert!(matches!(crx.recv().await, Some(Event::Connected { .. })));
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let f = frame(i);
        let t = Instant::now();
        client.send_now(f.clone()).expect("sent");
        match crx.recv().await {
            Some(Event::Frames { run, .. }) => assert_eq!(run, f, "echo"),
            other => panic!("unexpected {other:?}"),
        }
        lat.push(t.elapsed());
    }
    client.destroy();
    remove_socket_file(&ep);
    percentiles(lat)
}

/// The server removes its socket file when its accept loop ends, which may be after this
/// process exits: remove it here.
fn remove_socket_file(ep: &Endpoint) {
    if let Endpoint::Unix(path) = ep {
        let _ = std::fs::remove_file(path);
    }
}

fn percentiles(mut lat: Vec<Duration>) -> (f64, f64) {
    lat.sort();
    let at = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1e6;
    (at(0.5), at(0.99))
}

/// A bare tokio loop: the same bytes, read with memchr and no event machinery.
mod bare {
    use super::*;

    pub enum Stream {
        Tcp(tokio::net::TcpStream),
        #[cfg(unix)]
        Unix(tokio::net::UnixStream),
    }

    impl Stream {
        pub async fn read_buf(&mut self, buf: &mut bytes::BytesMut) -> std::io::Result<usize> {
            match self {
                Stream::Tcp(s) => s.read_buf(buf).await,
                #[cfg(unix)]
                Stream::Unix(s) => s.read_buf(buf).await,
            }
        }
        pub async fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
            match self {
                Stream::Tcp(s) => s.write_all(b).await,
                #[cfg(unix)]
                Stream::Unix(s) => s.write_all(b).await,
            }
        }
    }

    pub async fn pair(ep: &Endpoint) -> (Stream, Stream) {
        match ep {
            Endpoint::Tcp { host, port } => {
                let l = tokio::net::TcpListener::bind((host.as_str(), *port))
                    .await
                    .expect("bind");
                let c = tokio::net::TcpStream::connect((host.as_str(), *port))
                    .await
                    .expect("connect");
                let (s, _) = l.accept().await.expect("accept");
                let _ = c.set_nodelay(true);
                let _ = s.set_nodelay(true);
                (Stream::Tcp(c), Stream::Tcp(s))
            }
            #[cfg(unix)]
            Endpoint::Unix(path) => {
                let _ = std::fs::remove_file(path);
                let l = tokio::net::UnixListener::bind(path).expect("bind");
                let c = tokio::net::UnixStream::connect(path)
                    .await
                    .expect("connect");
                let (s, _) = l.accept().await.expect("accept");
                let _ = std::fs::remove_file(path);
                (Stream::Unix(c), Stream::Unix(s))
            }
            other => unreachable!("{other:?}"),
        }
    }

    /// Reads until `count` frames were seen, checking order; returns the frames' last run.
    pub async fn read_frames(s: &mut Stream, buf: &mut bytes::BytesMut, count: usize, check: bool) {
        let mut seen = 0;
        while seen < count {
            if s.read_buf(buf).await.expect("read") == 0 {
                panic!("eof");
            }
            if let Some(end) = memchr::memrchr(DELIM, buf) {
                let run = buf.split_to(end + 1);
                for f in split_frames(&run, &[DELIM]) {
                    if check {
                        let m = Message::parse(f).expect("valid");
                        assert_eq!(m.data["i"], seen);
                    }
                    seen += 1;
                }
            }
        }
    }

    pub async fn flood(via: Via, n: usize) -> f64 {
        let ep = endpoint(via, "bare-flood");
        let (mut c, mut s) = pair(&ep).await;
        let frames: Vec<Bytes> = (0..n).map(frame).collect();
        let start = Instant::now();
        let writer = tokio::spawn(async move {
            let mut out = Vec::with_capacity(256 * 1024);
            for f in frames {
                out.extend_from_slice(&f);
                if out.len() >= 256 * 1024 {
                    c.write_all(&out).await.expect("write");
                    out.clear();
                }
            }
            c.write_all(&out).await.expect("write");
            c
        });
        let mut buf = bytes::BytesMut::with_capacity(64 * 1024);
        read_frames(&mut s, &mut buf, n, true).await;
        let rate = n as f64 / start.elapsed().as_secs_f64();
        let _ = writer.await;
        rate
    }

    pub async fn pingpong(via: Via, n: usize) -> (f64, f64) {
        let ep = endpoint(via, "bare-pp");
        let (mut c, mut s) = pair(&ep).await;
        tokio::spawn(async move {
            let mut buf = bytes::BytesMut::with_capacity(64 * 1024);
            loop {
                match s.read_buf(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        if let Some(end) = memchr::memrchr(DELIM, &buf) {
                            let run = buf.split_to(end + 1);
                            if s.write_all(&run).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        });
        let mut buf = bytes::BytesMut::with_capacity(64 * 1024);
        let mut lat = Vec::with_capacity(n);
        for i in 0..n {
            let f = frame(i);
            let t = Instant::now();
            c.write_all(&f).await.expect("write");
            read_frames(&mut c, &mut buf, 1, false).await;
            lat.push(t.elapsed());
        }
        percentiles(lat)
    }
}

/// How many requests are in flight at once in the request/response scenario.
const IN_FLIGHT: usize = 64;

/// Request/response with [`IN_FLIGHT`] requests outstanding, through the public API
/// (`Client::request`, `ServerHandle::handle_requests`): requests per second.
async fn typed_requests(via: Via, n: usize) -> f64 {
    use node_ipc_tokio::{Client, ClientOptions, Server as TypedServer, ServerOptions as Typed};
    let ep = endpoint(via, "req");
    let server = TypedServer::bind(ep.clone(), Typed::default())
        .await
        .expect("bind");
    server.handle_requests("echo", |_conn, v: serde_json::Value| async move { Ok(v) });
    let ep = match (&ep, server.local_addr()) {
        (Endpoint::Tcp { host, .. }, Some(addr)) => Endpoint::tcp(host.clone(), addr.port()),
        _ => ep,
    };
    let _server = server.into_handle();
    let (client, _events) = Client::start(ep, ClientOptions::default());
    client.connected().await.expect("connected");
    let client = std::sync::Arc::new(client);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let t = Instant::now();
    let workers: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let (client, next) = (std::sync::Arc::clone(&client), std::sync::Arc::clone(&next));
            tokio::spawn(async move {
                while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < n {
                    let body = json!({ "s": "some short text" });
                    let _: serde_json::Value = client
                        .request("echo", &body, Duration::from_secs(30))
                        .await
                        .expect("reply");
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("worker");
    }
    n as f64 / t.elapsed().as_secs_f64()
}

/// The same scenario with crates.io's node-ipc 14 crate (blocking; one thread writes while
/// the window has room, one reads the replies, the server answers on a thread of its own),
/// with the same wire convention: requests per second.
#[cfg(unix)]
fn node14_requests(via: Via, n: usize) -> f64 {
    use node_ipc::{CodecConfig, Connection, Event as E14, Message as M14};
    use std::io::{Read, Write};
    trait Duplex: Read + Write + Send {
        fn split(&self) -> Box<dyn Duplex>;
    }
    impl Duplex for std::os::unix::net::UnixStream {
        fn split(&self) -> Box<dyn Duplex> {
            Box::new(self.try_clone().expect("clone"))
        }
    }
    impl Duplex for std::net::TcpStream {
        fn split(&self) -> Box<dyn Duplex> {
            Box::new(self.try_clone().expect("clone"))
        }
    }
    let path = std::env::temp_dir().join(format!("nit-bench-14-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let (server_side, client_side): (Box<dyn Duplex>, Box<dyn Duplex>) = match via {
        Via::Unix => {
            let l = std::os::unix::net::UnixListener::bind(&path).expect("bind");
            let c = std::os::unix::net::UnixStream::connect(&path).expect("connect");
            let (s, _) = l.accept().expect("accept");
            let _ = std::fs::remove_file(&path);
            (Box::new(s), Box::new(c))
        }
        Via::Tcp => {
            let l = node_ipc::tcp::bind(("127.0.0.1", 0)).expect("bind");
            let c = node_ipc::tcp::connect(l.local_addr().expect("addr")).expect("connect");
            let (s, _) = node_ipc::tcp::accept(&l).expect("accept");
            (Box::new(s), Box::new(c))
        }
    };
    let server = std::thread::spawn(move || {
        let mut conn = Connection::new(server_side, CodecConfig::fast()).expect("codec");
        while let Ok(Some(M14::Event(e))) = conn.recv() {
            let mut reply = e.data.clone();
            if let Some(obj) = reply.as_object_mut() {
                obj.retain(|(k, _)| k == "$req" || k == "data");
            }
            if conn.send(&E14::new("echo.reply", reply)).is_err() {
                return;
            }
        }
    });
    let (window_tx, window) = std::sync::mpsc::sync_channel::<()>(IN_FLIGHT);
    let mut reader = Connection::new(client_side.split(), CodecConfig::fast()).expect("codec");
    let mut writer = Connection::new(client_side, CodecConfig::fast()).expect("codec");
    let t = Instant::now();
    let replies = std::thread::spawn(move || {
        for _ in 0..n {
            match reader.recv() {
                Ok(Some(M14::Event(_))) => {
                    let _ = window.recv();
                }
                _ => panic!("reply"),
            }
        }
    });
    for id in 1..=n {
        window_tx.send(()).expect("window");
        let body = node_ipc::json::parse(
            format!(r#"{{"$req":{id},"data":{{"s":"some short text"}}}}"#).as_bytes(),
        )
        .expect("json");
        writer.send(&E14::new("echo", body)).expect("send");
    }
    replies.join().expect("reader");
    let rate = n as f64 / t.elapsed().as_secs_f64();
    drop(writer);
    let _ = server.join();
    rate
}

#[cfg(not(unix))]
fn node14_requests(_via: Via, _n: usize) -> f64 {
    f64::NAN
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let mut rows = Vec::new();
    for via in [Via::Unix, Via::Tcp] {
        if via == Via::Unix && !cfg!(unix) {
            continue;
        }
        let mut core_f = Vec::new();
        let mut bare_f = Vec::new();
        let mut core_p = Vec::new();
        let mut bare_p = Vec::new();
        let mut typed_r = Vec::new();
        let mut node14_r = Vec::new();
        for _ in 0..a.runs {
            typed_r.push(typed_requests(via, a.requests).await);
            let n = a.requests;
            node14_r.push(
                tokio::task::spawn_blocking(move || node14_requests(via, n))
                    .await
                    .expect("node-ipc 14 run"),
            );
            core_f.push(core_flood(via, a.flood).await);
            bare_f.push(bare::flood(via, a.flood).await);
            core_p.push(core_pingpong(via, a.rounds).await);
            bare_p.push(bare::pingpong(via, a.rounds).await);
        }
        let p50 = |v: &Vec<(f64, f64)>| median(v.iter().map(|x| x.0).collect());
        let p99 = |v: &Vec<(f64, f64)>| median(v.iter().map(|x| x.1).collect());
        rows.push(json!({
            "via": via.name(),
            "flood_msgs_per_s": {"ipc_core": median(core_f.clone()), "bare_tokio": median(bare_f.clone())},
            "pingpong_p50_us": {"ipc_core": p50(&core_p), "bare_tokio": p50(&bare_p)},
            "pingpong_p99_us": {"ipc_core": p99(&core_p), "bare_tokio": p99(&bare_p)},
            "requests_64_in_flight_per_s": {"node_ipc_tokio": median(typed_r), "node_ipc_14": median(node14_r)},
        }));
    }
    if a.json {
        println!(
            "{}",
            json!({ "flood": a.flood, "rounds": a.rounds, "requests": a.requests, "in_flight": IN_FLIGHT, "runs": a.runs, "results": rows })
        );
        return;
    }
    println!(
        "Rust<->Rust: the node-ipc-tokio engine vs a bare tokio loop, same framing; flood {} msgs, pingpong {} round trips, median of {}",
        a.flood, a.rounds, a.runs
    );
    println!("via   scenario       engine          bare tokio      engine/bare");
    for r in &rows {
        let via = r["via"].as_str().unwrap_or("?");
        let f = &r["flood_msgs_per_s"];
        let (cf, bf) = (
            f["ipc_core"].as_f64().unwrap_or(0.0),
            f["bare_tokio"].as_f64().unwrap_or(1.0),
        );
        println!(
            "{via:<5} flood msg/s    {cf:>12.0}    {bf:>12.0}    {:.2}x (higher = faster)",
            cf / bf
        );
        for key in ["pingpong_p50_us", "pingpong_p99_us"] {
            let p = &r[key];
            let (cp, bp) = (
                p["ipc_core"].as_f64().unwrap_or(0.0),
                p["bare_tokio"].as_f64().unwrap_or(1.0),
            );
            let label = if key.contains("p50") {
                "pingpong p50"
            } else {
                "pingpong p99"
            };
            println!(
                "{via:<5} {label} us {cp:>12.1}    {bp:>12.1}    {:.2}x (lower = faster)",
                cp / bp
            );
        }
        let q = &r["requests_64_in_flight_per_s"];
        let (tq, nq) = (
            q["node_ipc_tokio"].as_f64().unwrap_or(0.0),
            q["node_ipc_14"].as_f64().unwrap_or(1.0),
        );
        println!(
            "{via:<5} requests/s ({IN_FLIGHT} in flight): node-ipc-tokio {tq:>10.0}, node-ipc 14 crate {nq:>10.0}, {:.2}x (higher = faster)",
            tq / nq
        );
    }
}
