//! The outbox: an answer is saved on the phone (localStorage) before it is sent, and stays
//! there until the server has it. Sent again when the network returns (`online`), when a
//! survey page loads, every 30 s while the page is visible and soon after a failed try. The
//! server keys answers by `client_id`, so a resend never counts twice.

use super::api::{self, ApiError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

const KEY: &str = "bianmin.survey.outbox";
/// While the page is visible, queued answers are tried this often.
const EVERY: Duration = Duration::from_secs(30);
/// After a failed try: the next one this soon (then the 30 s rhythm).
const RETRY_AFTER_S: [u64; 3] = [3, 8, 15];

/// One answer waiting to be sent: the request body exactly as it will be POSTed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub client_id: String,
    pub circle: String,
    pub round: i64,
    pub body: String,
}

pub fn entries() -> Vec<Entry> {
    crate::ui::storage::get(KEY)
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn write(entries: &[Entry]) {
    if entries.is_empty() {
        crate::ui::storage::remove(KEY);
    } else if let Ok(text) = serde_json::to_string(entries) {
        crate::ui::storage::set(KEY, &text);
    }
}

/// Queues an answer; `true` when it is really on the device (read back: storage may be full
/// or missing, then the answer lives only as long as the page).
pub fn save(entry: &Entry) -> bool {
    let mut all = entries();
    all.retain(|e| e.client_id != entry.client_id);
    all.push(entry.clone());
    write(&all);
    entries().iter().any(|e| e.client_id == entry.client_id)
}

fn remove(client_id: &str) {
    let mut all = entries();
    all.retain(|e| e.client_id != client_id);
    write(&all);
}

/// Where one answer stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Sending,
    /// Kept on the phone; tried again later. `offline`: the phone has no network at all.
    Waiting {
        offline: bool,
    },
    /// The server has it (`again`: an earlier try had already arrived).
    Sent {
        responses: u64,
        again: bool,
    },
    /// The server refused it (nothing stored); removed from the outbox.
    Refused(ApiError),
}

/// The sender of this page.
#[derive(Clone, Copy)]
pub struct Outbox {
    status: RwSignal<BTreeMap<String, Status>>,
    /// Failed tries in a row (0 after any answer from the server).
    failures: StoredValue<u32>,
    /// The last try failed (the page says the network is weak).
    pub failing: RwSignal<bool>,
    /// Answers kept only in memory (storage refused them), sent like the others.
    memory: StoredValue<Vec<Entry>>,
    busy: StoredValue<bool>,
    again: StoredValue<bool>,
    retry: StoredValue<u32>,
}

fn visible() -> bool {
    document().visibility_state() == web_sys::VisibilityState::Visible
}

fn offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

impl Outbox {
    /// Starts sending what is queued, now and whenever there is a reason to.
    pub fn start() -> Outbox {
        let o = Outbox {
            status: RwSignal::new(BTreeMap::new()),
            failures: StoredValue::new(0),
            failing: RwSignal::new(false),
            memory: StoredValue::new(Vec::new()),
            busy: StoredValue::new(false),
            again: StoredValue::new(false),
            retry: StoredValue::new(0),
        };
        o.flush();
        let _ = window_event_listener(leptos::ev::online, move |_| o.flush());
        let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if visible() {
                o.flush();
            }
        });
        set_interval(
            move || {
                if visible() {
                    o.flush();
                }
            },
            EVERY,
        );
        o
    }

    pub fn status(&self, client_id: &str) -> Option<Status> {
        self.status.with(|s| s.get(client_id).cloned())
    }

    /// Saves `entry` first, then sends it; `true` when it is saved on the device.
    pub fn send(&self, entry: Entry) -> bool {
        let saved = save(&entry);
        if !saved {
            self.memory.update_value(|m| m.push(entry.clone()));
        }
        self.set(&entry.client_id, Status::Sending);
        self.flush();
        saved
    }

    fn set(&self, client_id: &str, s: Status) {
        self.status.update(|m| {
            m.insert(client_id.to_string(), s);
        });
    }

    fn queued(&self) -> Vec<Entry> {
        let mut all = entries();
        self.memory.with_value(|m| {
            all.extend(
                m.iter()
                    .filter(|e| !all.iter().any(|a| a.client_id == e.client_id))
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        });
        all
    }

    fn done(&self, client_id: &str) {
        remove(client_id);
        self.memory
            .update_value(|m| m.retain(|e| e.client_id != client_id));
    }

    /// Tries every queued answer once (one pass at a time; a call during a pass runs another).
    pub fn flush(&self) {
        if self.busy.get_value() {
            self.again.set_value(true);
            return;
        }
        let o = *self;
        o.busy.set_value(true);
        spawn_local(async move {
            loop {
                o.again.set_value(false);
                for e in o.queued() {
                    o.set(&e.client_id, Status::Sending);
                    match api::submit(&e.circle, &e.body).await {
                        Ok(r) => {
                            o.done(&e.client_id);
                            o.answered();
                            o.set(
                                &e.client_id,
                                Status::Sent {
                                    responses: r.responses,
                                    again: r.status == "already_recorded",
                                },
                            );
                        }
                        Err(err) if err.is_transient() => {
                            o.failures.update_value(|f| *f += 1);
                            o.failing.set(true);
                            o.set(&e.client_id, Status::Waiting { offline: offline() });
                            o.retry_soon();
                            // The network is what failed: the next answers wait for the retry.
                            break;
                        }
                        Err(err) => {
                            o.done(&e.client_id);
                            o.answered();
                            o.set(&e.client_id, Status::Refused(err));
                        }
                    }
                }
                if !o.again.get_value() {
                    break;
                }
            }
            o.busy.set_value(false);
        });
    }

    /// The server answered: the network works.
    fn answered(&self) {
        self.failures.set_value(0);
        self.failing.set(false);
    }

    /// One try soon after a failure (not while the phone is offline: `online` brings it).
    fn retry_soon(&self) {
        if offline() {
            return;
        }
        let o = *self;
        let n = o.failures.get_value() as usize;
        let wait = RETRY_AFTER_S.get(n.saturating_sub(1)).copied();
        let Some(wait) = wait else { return };
        o.retry.update_value(|g| *g += 1);
        let gen = o.retry.get_value();
        set_timeout(
            move || {
                if o.retry.get_value() == gen {
                    o.flush();
                }
            },
            Duration::from_secs(wait),
        );
    }
}
