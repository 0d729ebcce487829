//! Binding, serving and stopping: [`serve`] runs the API on a listener until a shutdown signal, letting
//! requests in flight finish; [`Server`] does it on a background task (tests, `mudrock demo`).

use std::future::Future;
use std::net::SocketAddr;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::router::router;
use super::state::ApiState;
use crate::error::{Error, ErrorKind, Result};

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
pub async fn serve(
    listener: TcpListener,
    state: ApiState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    // Small responses (cached windows) would wait for Nagle's algorithm otherwise.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| Error::new(ErrorKind::Unexpected, "the HTTP server stopped").with_source(e))
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
        (&mut self.task).await?
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
