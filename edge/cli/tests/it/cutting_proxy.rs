//! A TCP proxy in front of a server that cuts one answer off part-way: the fault real S3 servers show
//! under load (SeaweedFS may drop a GET after it has sent the headers and part of the body), made to
//! happen at a moment the test chooses. Every other byte passes through untouched.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The one cut: told when an answer has reached it, then told to close the connection.
type Cut = Arc<Mutex<Option<(oneshot::Sender<()>, oneshot::Receiver<()>)>>>;

pub struct CuttingProxy {
    pub addr: SocketAddr,
    held: Option<oneshot::Receiver<()>>,
    close: Option<oneshot::Sender<()>>,
    accept: tokio::task::JoinHandle<()>,
}

impl CuttingProxy {
    /// Forwards 127.0.0.1 connections to `upstream`. The first connection whose answers reach
    /// `cut_after` bytes is held there — those bytes sent, no more — until [`CuttingProxy::close`].
    pub async fn start(upstream: SocketAddr, cut_after: usize) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (held_tx, held_rx) = oneshot::channel();
        let (close_tx, close_rx) = oneshot::channel();
        let cut: Cut = Arc::new(Mutex::new(Some((held_tx, close_rx))));
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(forward(client, upstream, cut.clone(), cut_after));
            }
        });
        CuttingProxy {
            addr,
            held: Some(held_rx),
            close: Some(close_tx),
            accept,
        }
    }

    /// Waits until an answer is held at the cut.
    pub async fn held(&mut self) {
        let held = self.held.take().expect("held() is called once");
        tokio::time::timeout(std::time::Duration::from_secs(30), held)
            .await
            .expect("no answer reached the cut within 30 s")
            .unwrap();
    }

    /// Closes the held connection: the client sees its answer end early.
    pub fn close(&mut self) {
        let _ = self.close.take().expect("close() is called once").send(());
    }
}

impl Drop for CuttingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn forward(client: TcpStream, upstream: SocketAddr, cut: Cut, cut_after: usize) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let requests = tokio::spawn(async move { tokio::io::copy(&mut from_client, &mut to_server).await });
    let mut sent = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from_server.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if sent + n >= cut_after {
            let taken = cut.lock().unwrap().take();
            if let Some((held, close)) = taken {
                let _ = to_client.write_all(&buf[..cut_after - sent]).await;
                let _ = to_client.flush().await;
                let _ = held.send(());
                let _ = close.await;
                // Dropping both halves (the request copier holds the other) closes the connection.
                requests.abort();
                return;
            }
        }
        if to_client.write_all(&buf[..n]).await.is_err() {
            break;
        }
        sent += n;
    }
    requests.abort();
}
