//! A Node server and a Rust client, started by one command:
//!
//! ```text
//! cargo run -p node-ipc-tokio --example with_node_server
//! ```
//!
//! Starts `node examples/node/server.js` (a node-ipc-native server from this repository,
//! answering `add` requests with `ipc.server.handle`), then connects to it as node-ipc's
//! `ipc.connectTo(id)` would, with the reconnecting client: it retries until Node is up.

use std::process::Stdio;
use std::time::Duration;

use node_ipc_tokio::{Client, ClientEvent, ClientOptions, Endpoint, Error};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Add {
    a: f64,
    b: f64,
}

#[derive(Serialize, Deserialize, Debug)]
struct Note {
    text: String,
}

#[tokio::main]
async fn main() -> node_ipc_tokio::Result<()> {
    let id = format!("node-example-{}", std::process::id());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/node/server.js");
    let mut node = tokio::process::Command::new("node")
        .arg(script)
        .arg(&id)
        .stdin(Stdio::null())
        .spawn()
        .expect("node on the PATH");

    // Node needs a moment to listen: the client retries every 100 ms, 50 times at most.
    let options = ClientOptions::default()
        .retry(Duration::from_millis(100))
        .max_retries(Some(50));
    let (client, mut events) = Client::start(Endpoint::node_ipc(&id), options);
    client.connected().await?;
    println!("rust: connected to {id}");

    let sum: f64 = client
        .request("add", &Add { a: 40.0, b: 2.0 }, Duration::from_secs(5))
        .await?;
    println!("rust: add(40, 2) = {sum}");
    match client
        .request::<_, f64>("add", &"two", Duration::from_secs(5))
        .await
    {
        Err(Error::Remote(e)) => println!("rust: add(\"two\") failed: {e}"),
        other => println!("rust: unexpected {other:?}"),
    }

    client
        .emit(
            "note",
            &Note {
                text: "hello from Rust".into(),
            },
        )
        .await?;
    while let Some(event) = events.recv().await {
        if let ClientEvent::Message(m) = event {
            if m.r#type == "note" {
                println!("rust: the server says {:?}", m.data_as::<Note>()?.text);
                break;
            }
        }
    }
    client.disconnect();
    let status = node.wait().await.expect("node ran");
    std::process::exit(status.code().unwrap_or(1));
}
