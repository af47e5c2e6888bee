//! 一刻钟便民生活圈: the domain model shared by the browser client and the server, and (with the
//! `ui` feature) the Leptos map client itself.
//!
//! The `domain` module is plain Rust — no UI, no storage — so the server depends on this crate
//! without the `ui` feature and never compiles browser code.

pub mod domain;

#[cfg(feature = "ui")]
pub mod ui;
