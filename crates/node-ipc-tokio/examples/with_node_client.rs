//! A Rust server and a Node client, started by one command:
//!
//! ```text
//! cargo run -p node-ipc-tokio --example with_node_client
//! ```
//!
//! The server listens where node-ipc's `ipc.serve()` would for its id, answers `add`
//! requests, and replies to `note` messages; it starts `node examples/node/client.js`
//! (a node-ipc-native client from this repository) and stops when that client leaves.

use std::process::Stdio;

use node_ipc_tokio::{Endpoint, RemoteError, Server, ServerEvent, ServerOptions};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Add {
    a: f64,
    b: f64,
}

#[derive(Serialize, Deserialize)]
struct Note {
    text: String,
}

#[tokio::main]
async fn main() -> node_ipc_tokio::Result<()> {
    let id = format!("rust-example-{}", std::process::id());
    let mut server = Server::bind(Endpoint::node_ipc(&id), ServerOptions::default()).await?;
    server.handle_requests("add", |_conn, req: Add| async move {
        if !(req.a + req.b).is_finite() {
            return Err(RemoteError::new("not a finite sum").with_name("RangeError"));
        }
        Ok(req.a + req.b)
    });
    println!("rust: serving {id}");

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/node/client.js");
    let mut node = tokio::process::Command::new("node")
        .arg(script)
        .arg(&id)
        .stdin(Stdio::null())
        .spawn()
        .expect("node on the PATH");

    while let Some(event) = server.next_event().await {
        match event {
            ServerEvent::Connected { conn, .. } => println!("rust: client {conn} connected"),
            ServerEvent::Message { conn, message } if message.r#type == "note" => {
                let note: Note = message.data_as()?;
                println!("rust: the client says {:?}", note.text);
                let reply = Note {
                    text: format!("{} (seen by Rust)", note.text),
                };
                server.emit(conn, "note", &reply).await?;
            }
            ServerEvent::Disconnected { conn, .. } => {
                println!("rust: client {conn} left");
                break;
            }
            _ => {}
        }
    }
    let status = node.wait().await.expect("node ran");
    server.shutdown().await;
    std::process::exit(status.code().unwrap_or(1));
}
