//! Logs: human-readable text by default; with `LOG_FORMAT=json`, one JSON object per line for
//! a log collector. `RUST_LOG` filters both.

/// Installs the global subscriber (once, at start).
pub fn init() -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let format = std::env::var("LOG_FORMAT").unwrap_or_default();
    match format.as_str() {
        "" | "text" => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
        "json" => tracing_subscriber::fmt()
            .json()
            // The event's own fields only: a span (tower-http's at debug) would add the raw URI
            // with its query string to every line.
            .with_current_span(false)
            .with_span_list(false)
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
        other => {
            return Err(format!(
                "LOG_FORMAT={other}: use `text` (default) or `json`"
            ))
        }
    }
    Ok(())
}
