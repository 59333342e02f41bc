//! Rust-to-Rust benchmark of ipc-core beside a bare tokio loop with the same framing
//! (JSON frames + '\f'): flood (messages one way) and pingpong (sequential round trips),
//! over Unix sockets and TCP. Run: `cargo run --release -p ipc-core --example bench`
//! (`-- --json` for machine output, `-- --quick` for a short run). Each side uses the API
//! a Rust program would pick: `send` (coalescing) for the flood, `send_now` (write
//! through) for request/response.

use std::time::{Duration, Instant};

use bytes::Bytes;
use node_ipc_tokio::client::connect;
use node_ipc_tokio::codec::split_frames;
use node_ipc_tokio::connection::Framing;
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
    runs: usize,
    json: bool,
}

fn args() -> Args {
    let all: Vec<String> = std::env::args().collect();
    let quick = all.iter().any(|a| a == "--quick");
    Args {
        flood: if quick { 20_000 } else { 200_000 },
        rounds: if quick { 2_000 } else { 20_000 },
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
        for _ in 0..a.runs {
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
        }));
    }
    if a.json {
        println!(
            "{}",
            json!({ "flood": a.flood, "rounds": a.rounds, "runs": a.runs, "results": rows })
        );
        return;
    }
    println!(
        "Rust<->Rust: ipc-core vs a bare tokio loop, same framing; flood {} msgs, pingpong {} round trips, median of {}",
        a.flood, a.rounds, a.runs
    );
    println!("via   scenario       ipc-core        bare tokio      ipc-core/bare");
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
    }
}
