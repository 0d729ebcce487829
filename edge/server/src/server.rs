//! Binding, serving and stopping: [`serve`] runs the API on a listener until a shutdown signal, letting
//! requests in flight finish; [`Server`] does it on a background task (tests, `mudrock demo`);
//! [`raise_open_file_limit`] lets a server hold as many connections as the system allows.

use std::future::Future;
use std::net::SocketAddr;

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinHandle;

use crate::router::router;
use crate::state::ApiState;
use mudrock_common::error::{Error, ErrorKind, Result};

/// Binds `addr`; a clear error when the port is taken or not ours to bind.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::AddrInUse => "the port is in use: choose another with --addr",
            std::io::ErrorKind::PermissionDenied => "not allowed to bind this port: choose one above 1024",
            _ => "cannot listen there: choose another address with --addr",
        };
        Error::new(
            ErrorKind::ConfigInvalid,
            format!("cannot listen on {addr}: {hint}"),
        )
        .with_source(e)
    })
}

/// Serves the API on `listener` until `shutdown` completes, then waits for open requests to finish.
///
/// Connections are served by hyper's HTTP/1 server directly (not `axum::serve`) for three limits a
/// public server needs and `axum::serve` does not set:
/// - a connection that has not sent a whole request head within `ApiConfig::header_read_timeout` —
///   an idle socket, a keep-alive connection between requests, a client trickling its headers — is
///   closed, so idle sockets cannot pile up and exhaust the process's file descriptors;
/// - at most `ApiConfig::max_connections` are open at once; past it, new ones wait in the kernel's
///   backlog until one closes (within the header timeout for idle ones);
/// - an `accept` that fails (out of descriptors, a connection reset before it was taken) is waited out
///   and retried instead of ending the server.
pub async fn serve(
    listener: TcpListener,
    state: ApiState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let config = state.config().clone();
    let app = router(state);
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    // Out of descriptors or memory: give connections time to close. A connection
                    // aborted before it was accepted: just take the next one.
                    if !is_per_connection(&e) {
                        eprintln!("warning: accepting a connection failed ({e}); retrying in 100 ms");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small responses (cached windows) would wait for Nagle's algorithm otherwise.
        let _ = tcp.set_nodelay(true);
        let connection = http.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or breaks the protocol ends its own connection, nothing else.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Errors of `accept` that concern one connection only (as hyper and axum classify them).
fn is_per_connection(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// The API running on a background task.
pub struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<()>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and starts serving.
    pub async fn start(addr: SocketAddr, state: ApiState) -> Result<Server> {
        let listener = bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Ok(Server {
            addr,
            stop: Some(stop),
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and returns how serving ended.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task)
            .await
            .map_err(mudrock_store::storage::task_failed)?
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Completes on Ctrl-C or (Unix) SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Raises this process's soft limit on open files to its hard limit (commonly 1,024 → 524,288 on Linux),
/// so that connections, not a default meant for interactive shells, decide how many clients a server
/// holds. Returns the limit now in force (`None` where it cannot be read).
#[cfg(unix)]
pub fn raise_open_file_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current == limit.maximum {
        return limit.current;
    }
    let raised = rustix::process::Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => limit.maximum,
        Err(_) => limit.current,
    }
}

#[cfg(not(unix))]
pub fn raise_open_file_limit() -> Option<u64> {
    None
}
