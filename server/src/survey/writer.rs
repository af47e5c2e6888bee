//! Group commit for survey answers. SQLite syncs its log once per commit, and a commit is the
//! slow part of a durable write. One task writes the answers: whatever arrived while it was
//! busy goes into the next transaction, and a refused answer leaves no
//! write behind, and every answer is acknowledged only after that transaction's commit.
//! Under load this turns many syncs into one; a lone answer is written at once.

use super::store::{self, Refused, Stored, Submission};
use crate::db::{self, Db};
use tokio::sync::{mpsc, oneshot};

/// The most answers in one transaction (keeps a transaction, and so each wait, short).
const MAX_BATCH: usize = 64;

type Outcome = Result<Stored, Refused>;

struct Job {
    submission: Submission,
    reply: oneshot::Sender<Result<Outcome, String>>,
}

/// The handle the handlers use; cloning it is cheap.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writing task (inside a Tokio runtime).
    pub fn start(db: Db) -> Writer {
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(db, queue));
        Writer { jobs }
    }

    /// Stores the answer (or refuses it) and returns once that is committed.
    pub async fn submit(&self, submission: Submission) -> Result<Outcome, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        let gone = || sqlx::Error::Protocol("the survey writer has stopped".into());
        self.jobs
            .send(Job { submission, reply })
            .await
            .map_err(|_| gone())?;
        answer
            .await
            .map_err(|_| gone())?
            .map_err(sqlx::Error::Protocol)
    }
}

async fn run(db: Db, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match write(&db, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                // Nothing of the batch is stored; each sender gets the error (the phones'
                // outboxes send again).
                tracing::error!(error = %e, answers = batch.len(), "survey batch not stored");
                let message = e.to_string();
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(message.clone()));
                }
            }
        }
    }
}

async fn write(db: &Db, batch: &[Job]) -> Result<Vec<Outcome>, sqlx::Error> {
    let mut tx = db::begin_write(db).await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        let s = &job.submission;
        // Every refusal comes before any write, except a device refused after its code was
        // used (open mode with a code): only then is a savepoint needed to undo the code.
        let savepoint = s.code.is_some() && s.device.is_some();
        if savepoint {
            sqlx::query("SAVEPOINT answer").execute(&mut *tx).await?;
        }
        let outcome = store::submit_in(&mut tx, s).await?;
        if savepoint {
            if !matches!(outcome, Ok(Stored::Recorded(_))) {
                sqlx::query("ROLLBACK TO answer").execute(&mut *tx).await?;
            }
            sqlx::query("RELEASE answer").execute(&mut *tx).await?;
        }
        outcomes.push(outcome);
    }
    if outcomes
        .iter()
        .any(|o| matches!(o, Ok(Stored::Recorded(_))))
    {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(outcomes)
}
