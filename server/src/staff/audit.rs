//! The audit log: who did what to what, and when. Written in the transaction of the change it
//! records, so the log and the data never disagree.

use sqlx::AnyConnection;

/// Who acted: a staff account, or the server's command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub staff: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn command_line() -> Actor {
        Actor {
            staff: None,
            name: "command line".into(),
        }
    }
}

pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (staff, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(actor.staff)
    .bind(&actor.name)
    .bind(action)
    .bind(subject)
    .bind(detail.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
