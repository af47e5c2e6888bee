//! Operations: the Prometheus `/metrics` endpoint, one structured log line per request, and the
//! HTTP serving loop that bounds slow clients and drains in-flight requests on shutdown.

pub mod logging;
pub mod metrics;
pub mod serve;
