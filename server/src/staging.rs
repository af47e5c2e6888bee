//! Uploaded files on disk only once the database says they exist: each is written (and synced)
//! under a temporary name, then renamed to its content-addressed name after the commit. Dropped
//! unpublished — a refusal, an error, a failed commit — the temporary files are removed, so a
//! refused request leaves nothing behind.

use crate::error::ApiError;
use crate::tokens;
use std::path::{Path, PathBuf};

#[derive(Default)]
pub struct Staged {
    /// (temporary file, final name)
    pending: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    /// Writes `bytes` to a temporary file in `dir`, to become `dir/name` on `publish`.
    pub async fn add(&mut self, dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ApiError> {
        let tmp = dir.join(format!(
            ".tmp-{}.part",
            tokens::hex(&tokens::random_bytes::<12>())
        ));
        // Registered first, so a failed write is cleaned up too.
        self.pending.push((tmp.clone(), dir.join(name)));
        write_synced(&tmp, bytes).await.map_err(|e| {
            if matches!(
                e.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            ) {
                tracing::error!("upload {}: {e}", tmp.display());
                // The sender can do nothing but wait: say so plainly, not "server error".
                ApiError::new(
                    axum::http::StatusCode::INSUFFICIENT_STORAGE,
                    "storage_full",
                    "服务器存储空间已满，文件暂时无法保存，请稍后再试",
                    "the server's disk for uploads is full; try again later",
                )
            } else {
                ApiError::internal(format!("{}: {e}", tmp.display()))
            }
        })
    }

    /// Moves the files to their names (content-addressed: an existing one is the same bytes).
    pub async fn publish(mut self) {
        for (tmp, dest) in std::mem::take(&mut self.pending) {
            if let Err(e) = tokio::fs::rename(&tmp, &dest).await {
                tracing::error!("upload {} → {}: {e}", tmp.display(), dest.display());
                let _ = tokio::fs::remove_file(&tmp).await;
            }
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

async fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut f = tokio::fs::File::create(path).await?;
    f.write_all(bytes).await?;
    // tokio's File writes in the background: an error of that write (ENOSPC) is returned by
    // flush, while sync_all only stashes it and reports success.
    f.flush().await?;
    // On disk before the database says the file exists.
    f.sync_all().await
}
