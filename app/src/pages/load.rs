//! A request's result as a signal (`None` while it runs): what the pages show while loading,
//! on failure and on success. Plainer than `LocalResource`, whose machinery per result type
//! costs the bundle far more than these few lines.

use super::api::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

pub type Loaded<T> = RwSignal<Option<Result<T, ApiError>>>;

/// Runs `fut` and puts its result into `target` (which keeps its old value meanwhile).
pub fn load<T, F>(target: Loaded<T>, fut: F)
where
    T: Send + Sync + 'static,
    F: Future<Output = Result<T, ApiError>> + 'static,
{
    spawn_local(async move { target.set(Some(fut.await)) });
}
