//! The same peer as `interop_peer.rs` (same arguments, same output lines), written with
//! crates.io's `node-ipc` 14 crate (blocking, one thread per connection): the third
//! implementation of the interop matrix in `__test__/rust-interop.test.js`. Requests are
//! answered and made by hand, with the wire convention of `node_ipc_tokio`'s requests,
//! as any plain node-ipc peer would.

#[cfg(unix)]
mod peer {
    use std::io::{Read, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    use node_ipc::{CodecConfig, Connection, Event, Message};

    /// node-ipc 14's defaults, with room for the matrix's 1 MiB message (its default limit is
    /// 1 MiB for the whole frame).
    fn config() -> CodecConfig {
        let mut config = CodecConfig::fast();
        config.max_message_size = 64 << 20;
        config
    }
    use serde_json::{json, Value};

    /// serde_json's value as the crate's (through JSON text: both keep key order).
    fn to14(v: &Value) -> node_ipc::json::Value {
        node_ipc::json::parse(&serde_json::to_vec(v).expect("encodes")).expect("parses")
    }

    fn from14(v: &node_ipc::json::Value) -> Value {
        serde_json::from_str(&v.to_json_string()).expect("valid JSON")
    }

    fn say(line: Value) {
        println!("{line}");
    }

    enum Stream {
        Unix(std::os::unix::net::UnixStream),
        Tcp(std::net::TcpStream),
    }

    impl Read for Stream {
        fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
            match self {
                Stream::Unix(s) => s.read(b),
                Stream::Tcp(s) => s.read(b),
            }
        }
    }

    impl Write for Stream {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            match self {
                Stream::Unix(s) => s.write(b),
                Stream::Tcp(s) => s.write(b),
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Stream {
        fn try_clone(&self) -> Stream {
            match self {
                Stream::Unix(s) => Stream::Unix(s.try_clone().expect("clone")),
                Stream::Tcp(s) => Stream::Tcp(s.try_clone().expect("clone")),
            }
        }
    }

    fn serve_one(stream: Stream) {
        let mut conn = Connection::new(stream, config()).expect("codec");
        while let Ok(Some(Message::Event(event))) = conn.recv() {
            let data = from14(&event.data);
            let r#type = event.event_type().to_owned();
            say(json!({"got": r#type, "data": data}));
            let reply = match r#type.as_str() {
                "echo" => Some(("echo".to_owned(), data.clone())),
                "add" => {
                    let sum = data["data"]["a"].as_f64().unwrap_or(0.0)
                        + data["data"]["b"].as_f64().unwrap_or(0.0);
                    Some((
                        "add.reply".to_owned(),
                        json!({"$req": data["$req"], "data": sum}),
                    ))
                }
                "fail" => Some((
                    "fail.reply".to_owned(),
                    json!({"$req": data["$req"], "error": {"name": "RangeError", "message": "nope", "code": "E_NOPE"}}),
                )),
                _ => None,
            };
            if let Some((t, d)) = reply {
                if conn.send(&Event::new(t, to14(&d))).is_err() {
                    return;
                }
            }
        }
    }

    fn server(spec: &str) {
        let stdin_closed = |f: Box<dyn Fn() + Send>| {
            std::thread::spawn(move || {
                let mut sink = [0u8; 64];
                while matches!(std::io::stdin().read(&mut sink), Ok(n) if n > 0) {}
                f();
                std::process::exit(0);
            });
        };
        match spec.split_once(':') {
            Some(("unix", path)) => {
                let listener = node_ipc::local::LocalListener::bind(path).expect("bind");
                say(json!({"listening": true, "port": null}));
                let path = path.to_owned();
                stdin_closed(Box::new(move || {
                    let _ = std::fs::remove_file(&path);
                }));
                while let Ok((s, _)) = listener.accept() {
                    std::thread::spawn(move || serve_one(Stream::Unix(s)));
                }
            }
            Some(("tcp", port)) => {
                let listener =
                    node_ipc::tcp::bind(("127.0.0.1", port.parse::<u16>().expect("port")))
                        .expect("bind");
                let port = listener.local_addr().expect("bound").port();
                say(json!({"listening": true, "port": port}));
                stdin_closed(Box::new(|| {}));
                while let Ok((s, _)) = node_ipc::tcp::accept(&listener) {
                    std::thread::spawn(move || serve_one(Stream::Tcp(s)));
                }
            }
            _ => panic!("endpoint must be unix:PATH or tcp:PORT"),
        }
    }

    fn client(spec: &str, steps: Vec<Value>) {
        let stream = match spec.split_once(':') {
            Some(("unix", path)) => Stream::Unix(node_ipc::local::connect(path).expect("connect")),
            Some(("tcp", port)) => Stream::Tcp(
                node_ipc::tcp::connect(("127.0.0.1", port.parse::<u16>().expect("port")))
                    .expect("connect"),
            ),
            _ => panic!("endpoint must be unix:PATH or tcp:PORT"),
        };
        let mut writer = Connection::new(stream.try_clone(), config()).expect("codec");
        let mut reader = Connection::new(stream, config()).expect("codec");
        // The reader thread prints echoes and hands replies over.
        let (replies_tx, replies) = mpsc::channel::<(String, Value)>();
        let (echoes_tx, echoes) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            while let Ok(Some(Message::Event(event))) = reader.recv() {
                let data = from14(&event.data);
                if event.event_type() == "echo" {
                    say(json!({"echo": data}));
                    let _ = echoes_tx.send(());
                } else {
                    let _ = replies_tx.send((event.event_type().to_owned(), data));
                }
            }
        });
        let mut next_id = 0u64;
        let mut echoed = 0u64;
        for step in steps {
            if let Some(t) = step.get("emit").and_then(Value::as_str) {
                writer
                    .send(&Event::new(t, to14(&step["data"])))
                    .expect("sent");
            } else if let Some(t) = step.get("request").and_then(Value::as_str) {
                next_id += 1;
                let ms = step.get("timeout").and_then(Value::as_u64).unwrap_or(5000);
                writer
                    .send(&Event::new(
                        t,
                        to14(&json!({"$req": next_id, "data": step["data"]})),
                    ))
                    .expect("sent");
                let want = format!("{t}.reply");
                loop {
                    match replies.recv_timeout(Duration::from_millis(ms)) {
                        Ok((rt, d)) if rt == want && d["$req"] == json!(next_id) => {
                            match d.get("error") {
                                Some(e) if !e.is_null() => say(json!({"reply": t, "error": e})),
                                _ => say(
                                    json!({"reply": t, "data": d.get("data").cloned().unwrap_or(Value::Null)}),
                                ),
                            }
                            break;
                        }
                        Ok(_) => continue,
                        Err(_) => {
                            say(json!({"reply": t, "error": {"code": "ERR_IPC_REQUEST_TIMEOUT"}}));
                            break;
                        }
                    }
                }
            } else if let Some(n) = step.get("wait_echoes").and_then(Value::as_u64) {
                while echoed < n {
                    if echoes.recv_timeout(Duration::from_secs(20)).is_err() {
                        say(json!({"timeout": "echoes", "wanted": n}));
                        break;
                    }
                    echoed += 1;
                }
            }
        }
        say(json!({"done": true}));
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().collect();
        match args.get(1).map(String::as_str) {
            Some("server") if args.len() == 3 => server(&args[2]),
            Some("client") if args.len() == 4 => {
                let text = std::fs::read_to_string(&args[3]).expect("the steps file");
                client(
                    &args[2],
                    serde_json::from_str(&text).expect("steps: a JSON array"),
                );
            }
            _ => {
                eprintln!("usage: node14_peer server ENDPOINT | client ENDPOINT STEPS_FILE");
                std::process::exit(2);
            }
        }
    }
}

fn main() {
    #[cfg(unix)]
    peer::main();
    #[cfg(not(unix))]
    eprintln!("node14_peer: Unix only (the matrix runs on Linux)");
}
