//! One side of the interop matrix in `__test__/rust-interop.test.js`, built on the
//! crate's public API only.
//!
//! ```text
//! interop_peer server unix:/tmp/x.sock | tcp:0
//! interop_peer client unix:/tmp/x.sock | tcp:PORT  STEPS_JSON_FILE
//! ```
//!
//! The server echoes every `echo` message back to its sender, answers the requests `add`
//! (`{a, b}` → `a + b`) and `fail` (a `RangeError`), and prints one JSON line per event:
//! `{"listening":true,"port":P}`, `{"got":TYPE,"data":DATA}`. It stops when stdin closes.
//!
//! The client runs the steps of the file (`{"emit":TYPE,"data":D}`,
//! `{"request":TYPE,"data":D,"timeout":MS}`, `{"wait_echoes":N}`) and prints
//! `{"echo":DATA}` per echo received, `{"reply":TYPE,"data":D}` or
//! `{"reply":TYPE,"error":{…}}` per request, then `{"done":true}`.

use std::time::Duration;

use node_ipc_tokio::{
    Client, ClientEvent, ClientOptions, Endpoint, Error, RemoteError, Server, ServerEvent,
    ServerOptions,
};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

fn endpoint(spec: &str) -> Endpoint {
    match spec.split_once(':') {
        Some(("unix", path)) => Endpoint::unix(path),
        Some(("tcp", port)) => Endpoint::tcp("127.0.0.1", port.parse().expect("a port number")),
        _ => panic!("endpoint must be unix:PATH or tcp:PORT, not {spec:?}"),
    }
}

fn say(line: Value) {
    println!("{line}");
}

#[derive(Deserialize)]
struct Add {
    a: f64,
    b: f64,
}

async fn server(endpoint: Endpoint) -> Result<(), Error> {
    let mut server = Server::bind(endpoint, ServerOptions::default()).await?;
    server.handle_requests("add", |_conn, req: Add| async move { Ok(req.a + req.b) });
    server.handle_requests("fail", |_conn, _req: Value| async move {
        Err::<Value, _>(
            RemoteError::new("nope")
                .with_name("RangeError")
                .with_code("E_NOPE"),
        )
    });
    say(json!({"listening": true, "port": server.local_addr().map(|a| a.port())}));
    let mut stdin = tokio::io::stdin();
    let mut sink = [0u8; 64];
    loop {
        tokio::select! {
            event = server.next_event() => match event {
                Some(ServerEvent::Message { conn, message }) => {
                    say(json!({"got": message.r#type, "data": message.data}));
                    if message.r#type == "echo" {
                        server.emit(conn, "echo", &message.data).await?;
                    }
                }
                Some(ServerEvent::InvalidFrame { frame, .. }) => say(json!({"invalid": frame.reason})),
                Some(_) => {}
                None => return Ok(()),
            },
            read = stdin.read(&mut sink) => if matches!(read, Ok(0) | Err(_)) {
                server.shutdown().await;
                return Ok(());
            },
        }
    }
}

async fn client(endpoint: Endpoint, steps: Vec<Value>) -> Result<(), Error> {
    let (client, mut events) =
        Client::start(endpoint, ClientOptions::default().stop_retrying(true));
    client.connected().await?;
    // Echoes are printed by a task of their own, so requests can be awaited meanwhile.
    let (seen_tx, mut seen) = tokio::sync::watch::channel(0usize);
    let printer = tokio::spawn(async move {
        let mut n = 0;
        while let Some(event) = events.recv().await {
            if let ClientEvent::Message(m) = event {
                if m.r#type == "echo" {
                    say(json!({"echo": m.data}));
                    n += 1;
                    seen_tx.send_replace(n);
                }
            }
        }
    });
    for step in steps {
        if let Some(t) = step.get("emit").and_then(Value::as_str) {
            client.emit(t, &step["data"]).await?;
        } else if let Some(t) = step.get("request").and_then(Value::as_str) {
            let ms = step.get("timeout").and_then(Value::as_u64).unwrap_or(5000);
            match client
                .request::<_, Value>(t, &step["data"], Duration::from_millis(ms))
                .await
            {
                Ok(data) => say(json!({"reply": t, "data": data})),
                Err(Error::Remote(e)) => say(json!({"reply": t, "error": {
                    "name": e.name, "message": e.message, "code": e.code}})),
                Err(e) => {
                    say(json!({"reply": t, "error": {"code": e.code(), "message": e.to_string()}}))
                }
            }
        } else if let Some(n) = step.get("wait_echoes").and_then(Value::as_u64) {
            let n = n as usize;
            let waited =
                tokio::time::timeout(Duration::from_secs(20), seen.wait_for(|&got| got >= n)).await;
            if !matches!(waited, Ok(Ok(_))) {
                say(json!({"timeout": "echoes", "wanted": n}));
            }
        }
    }
    client.disconnect();
    printer.abort();
    say(json!({"done": true}));
    Ok(())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("server") if args.len() == 3 => server(endpoint(&args[2])).await,
        Some("client") if args.len() == 4 => {
            let text = std::fs::read_to_string(&args[3]).expect("the steps file");
            let steps: Vec<Value> = serde_json::from_str(&text).expect("steps: a JSON array");
            client(endpoint(&args[2]), steps).await
        }
        _ => {
            eprintln!("usage: interop_peer server ENDPOINT | client ENDPOINT STEPS_FILE");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        say(json!({"error": e.to_string(), "code": e.code()}));
        std::process::exit(1);
    }
}
