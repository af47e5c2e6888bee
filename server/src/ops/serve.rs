//! The HTTP serving loop, in place of `axum::serve`, which has no header-read timeout: a client
//! that sends its headers a byte at a time would hold a connection (and a task) for ever.
//! Here each connection is HTTP/1.1 on hyper with
//! - a header-read timeout, which also bounds how long an idle keep-alive connection stays open
//!   (hyper starts it whenever it waits for the next request's head);
//! - a whole-request timeout (body read included, up to the response head), answered 408 (the
//!   router's layer [`request_timeout`]);
//! - a cap on open connections: further ones wait in the kernel's accept queue;
//! - graceful shutdown: on the signal the listener closes (new connections are refused), each
//!   connection finishes the request it is in and closes, within a grace period.
//!
//! HTTP/2 belongs to the TLS-terminating proxy in front of a deployment; it speaks HTTP/1.1 to
//! us.

use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for a client to send a request's head, and the longest a keep-alive connection
    /// waits idle for the next one.
    pub header_read_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    /// After the shutdown signal, how long in-flight requests may take before the process
    /// stops anyway.
    pub shutdown_grace: Duration,
}

/// Answers 408 when a request (its body included) is not handled within `limit`: a client
/// dribbling a body cannot hold a handler for longer. A layer of the router (inside the metrics
/// and request log, so timeouts are counted): `from_fn_with_state(limit, request_timeout)`.
pub async fn request_timeout(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "请求发送太慢，已超时，请检查网络后重试",
            "the request took too long to arrive; try again",
        )
        .into_response(),
    }
}

/// Serves `app` on `listener` until `signal` completes, then drains (see the module's notes).
/// The peer address reaches handlers as `ConnectInfo<SocketAddr>` (for rate limits only).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    signal: impl Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(signal);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut signal => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // moment rather than spin, then go on.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        // Set when a request was answered 408: hyper would keep the connection open waiting
        // for the rest of that body, so it is closed here instead.
        let timed_out = Arc::new(Notify::new());
        let (app, flag) = (app.clone(), timed_out.clone());
        let service =
            hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                let (app, flag) = (app.clone(), flag.clone());
                async move {
                    let response = app.oneshot(request.map(axum::body::Body::new)).await?;
                    if response.status() == StatusCode::REQUEST_TIMEOUT {
                        flag.notify_one();
                    }
                    Ok::<_, Infallible>(response)
                }
            });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            tokio::pin!(connection);
            // Errors here are the client's (timeouts, resets, malformed requests): hyper has
            // answered or closed; nothing to do.
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = timed_out.notified() => {
                    // A moment for the 408 to go out, then the connection is dropped.
                    let _ = tokio::time::timeout(Duration::from_secs(1), connection.as_mut()).await;
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    let open = graceful.count();
    if open > 0 {
        tracing::info!("closing {open} connection(s) after their current request");
    }
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!(
                "requests still running after {} s; stopping anyway",
                limits.shutdown_grace.as_secs()
            );
        }
    }
}
