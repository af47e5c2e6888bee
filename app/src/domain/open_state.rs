//! Open now? The server parses each outlet's OSM `opening_hours` (with the opening-hours crate,
//! which the browser bundle should not carry) and sends its open intervals over a window of
//! days as Unix seconds; the client only looks up the current time in them, so the badge stays
//! right as the clock moves without asking the server again.

use serde::{Deserialize, Serialize};

/// Open intervals of one outlet within a known window.
///
/// The window is `[from, to)`; intervals are half-open `[start, end)`, sorted, non-overlapping
/// and clipped to the window. An interval ending at `to` may go on beyond the window (24/7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub from: i64,
    pub to: i64,
    pub intervals: Vec<[i64; 2]>,
    /// Stretches where the hours say neither open nor closed (an `unknown` rule, or only a
    /// comment such as "on appointment"), in the same form; the server leaves the key out when
    /// there are none. There a resident should read "unknown", not "closed".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_intervals: Vec<[i64; 2]>,
}

/// The interval of sorted, disjoint `intervals` holding `t`, or else the first one after it.
fn at_or_after(intervals: &[[i64; 2]], t: i64) -> Option<[i64; 2]> {
    let i = intervals.partition_point(|iv| iv[1] <= t);
    intervals.get(i).copied()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// Open; closes at that time, or `None` when open past the end of the known window.
    Open { closes_at: Option<i64> },
    /// Open, but closes within the rules' `closes_soon_minutes` (worth saying before a walk).
    ClosesSoon { closes_at: i64 },
    /// Closed; opens again at that time, or `None` when not within the known window.
    Closed { opens_at: Option<i64> },
    /// No hours known, the time is outside the window they were computed for, or in a stretch
    /// the hours themselves leave unknown.
    Unknown,
}

/// The state at `now` (Unix seconds). `closes_soon_s`: how long before closing an open outlet
/// counts as closing soon (inclusive).
pub fn open_state(schedule: Option<&Schedule>, now: i64, closes_soon_s: i64) -> OpenState {
    let Some(s) = schedule else {
        return OpenState::Unknown;
    };
    if now < s.from || now >= s.to {
        return OpenState::Unknown;
    }
    let next = at_or_after(&s.intervals, now);
    if let Some([start, end]) = next {
        if start <= now {
            return if end >= s.to {
                OpenState::Open { closes_at: None }
            } else if end - now <= closes_soon_s {
                OpenState::ClosesSoon { closes_at: end }
            } else {
                OpenState::Open {
                    closes_at: Some(end),
                }
            };
        }
    }
    if at_or_after(&s.unknown_intervals, now).is_some_and(|[start, _]| start <= now) {
        return OpenState::Unknown;
    }
    OpenState::Closed {
        opens_at: next.map(|[start, _]| start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;
    const M: i64 = 60;
    /// 2024-06-03 00:00 in Shanghai (UTC+8), a Monday.
    const DAY0: i64 = 1_717_344_000;

    /// A week from DAY0, open 08:00–20:00 every day.
    fn week() -> Schedule {
        Schedule {
            from: DAY0,
            to: DAY0 + 7 * 24 * H,
            intervals: (0..7)
                .map(|d| [DAY0 + d * 24 * H + 8 * H, DAY0 + d * 24 * H + 20 * H])
                .collect(),
            unknown_intervals: vec![],
        }
    }

    fn at(s: &Schedule, now: i64) -> OpenState {
        open_state(Some(s), now, 30 * M)
    }

    #[test]
    fn no_schedule_or_outside_the_window_is_unknown() {
        let s = week();
        assert_eq!(open_state(None, DAY0 + 9 * H, 30 * M), OpenState::Unknown);
        assert_eq!(at(&s, DAY0 - 1), OpenState::Unknown);
        assert_eq!(at(&s, s.to), OpenState::Unknown, "the window is half-open");
        assert_eq!(at(&s, s.to + 10 * H), OpenState::Unknown);
        assert_eq!(
            at(&s, s.from),
            OpenState::Closed {
                opens_at: Some(DAY0 + 8 * H)
            }
        );
    }

    #[test]
    fn open_and_closed_through_a_day() {
        let s = week();
        let (open, close) = (DAY0 + 8 * H, DAY0 + 20 * H);
        assert_eq!(
            at(&s, DAY0 + 7 * H),
            OpenState::Closed {
                opens_at: Some(open)
            }
        );
        assert_eq!(
            at(&s, open - 1),
            OpenState::Closed {
                opens_at: Some(open)
            }
        );
        assert_eq!(
            at(&s, open),
            OpenState::Open {
                closes_at: Some(close)
            },
            "exactly at start"
        );
        assert_eq!(
            at(&s, DAY0 + 12 * H),
            OpenState::Open {
                closes_at: Some(close)
            }
        );
        // Closing soon: inclusive at exactly 30 minutes before.
        assert_eq!(
            at(&s, close - 30 * M - 1),
            OpenState::Open {
                closes_at: Some(close)
            }
        );
        assert_eq!(
            at(&s, close - 30 * M),
            OpenState::ClosesSoon { closes_at: close }
        );
        assert_eq!(
            at(&s, close - 1),
            OpenState::ClosesSoon { closes_at: close }
        );
        // Exactly at the end it is closed, and opens the next morning.
        assert_eq!(
            at(&s, close),
            OpenState::Closed {
                opens_at: Some(open + 24 * H)
            }
        );
    }

    #[test]
    fn after_the_last_interval_it_does_not_open_again_in_the_window() {
        let s = week();
        let last_close = DAY0 + 6 * 24 * H + 20 * H;
        assert_eq!(at(&s, last_close), OpenState::Closed { opens_at: None });
        assert_eq!(at(&s, s.to - 1), OpenState::Closed { opens_at: None });
        let closed = Schedule {
            from: DAY0,
            to: DAY0 + 7 * 24 * H,
            intervals: vec![],
            unknown_intervals: vec![],
        };
        assert_eq!(at(&closed, DAY0 + H), OpenState::Closed { opens_at: None });
    }

    #[test]
    fn open_to_the_end_of_the_window_has_no_closing_time() {
        let always = Schedule {
            from: DAY0,
            to: DAY0 + 7 * 24 * H,
            intervals: vec![[DAY0, DAY0 + 7 * 24 * H]],
            unknown_intervals: vec![],
        };
        assert_eq!(at(&always, DAY0), OpenState::Open { closes_at: None });
        // Not "closes soon" minutes before the window ends: it just is not known to close.
        assert_eq!(
            at(&always, always.to - 1),
            OpenState::Open { closes_at: None }
        );
        // A late shift running past the window's end.
        let mut s = week();
        s.intervals.push([DAY0 + 6 * 24 * H + 22 * H, s.to]);
        assert_eq!(at(&s, s.to - 5 * M), OpenState::Open { closes_at: None });
        assert_eq!(
            at(&s, DAY0 + 6 * 24 * H + 21 * H),
            OpenState::Closed {
                opens_at: Some(DAY0 + 6 * 24 * H + 22 * H)
            }
        );
    }

    #[test]
    fn back_to_back_and_split_intervals() {
        // 09:00–12:00 and 14:00–18:00 (a lunch break), then 18:00–22:00 as a separate interval.
        let s = Schedule {
            from: DAY0,
            to: DAY0 + 24 * H,
            intervals: vec![
                [DAY0 + 9 * H, DAY0 + 12 * H],
                [DAY0 + 14 * H, DAY0 + 18 * H],
                [DAY0 + 18 * H, DAY0 + 22 * H],
            ],
            unknown_intervals: vec![],
        };
        assert_eq!(
            at(&s, DAY0 + 12 * H),
            OpenState::Closed {
                opens_at: Some(DAY0 + 14 * H)
            }
        );
        assert_eq!(
            at(&s, DAY0 + 11 * H + 45 * M),
            OpenState::ClosesSoon {
                closes_at: DAY0 + 12 * H
            }
        );
        // At 18:00 the second interval has ended and the third begins.
        assert_eq!(
            at(&s, DAY0 + 18 * H),
            OpenState::Open {
                closes_at: Some(DAY0 + 22 * H)
            }
        );
    }

    #[test]
    fn the_closing_soon_margin_comes_from_the_caller() {
        let s = week();
        let close = DAY0 + 20 * H;
        assert_eq!(
            open_state(Some(&s), close - 50 * M, 60 * M),
            OpenState::ClosesSoon { closes_at: close }
        );
        assert_eq!(
            open_state(Some(&s), close - 50 * M, 30 * M),
            OpenState::Open {
                closes_at: Some(close)
            }
        );
        assert_eq!(
            open_state(Some(&s), close - 1, 0),
            OpenState::Open {
                closes_at: Some(close)
            },
            "no margin: never closing soon"
        );
    }

    #[test]
    fn unknown_stretches_say_unknown_not_closed() {
        // Mo-Fr 08:00-19:00 || "on appointment": open on weekdays, unknown at the weekend.
        let (sat, mon) = (DAY0 + 5 * 24 * H, DAY0 + 7 * 24 * H);
        let s = Schedule {
            from: DAY0,
            to: DAY0 + 8 * 24 * H,
            intervals: (0..5)
                .chain(7..8)
                .map(|d| [DAY0 + d * 24 * H + 8 * H, DAY0 + d * 24 * H + 19 * H])
                .collect(),
            unknown_intervals: vec![[sat, mon]],
        };
        assert_eq!(at(&s, sat + 10 * H), OpenState::Unknown);
        assert_eq!(at(&s, sat), OpenState::Unknown, "from its first second");
        assert_eq!(at(&s, mon - 1), OpenState::Unknown);
        // Before and after it, closed as usual.
        assert_eq!(
            at(&s, sat - 1),
            OpenState::Closed {
                opens_at: Some(mon + 8 * H)
            }
        );
        assert_eq!(
            at(&s, mon),
            OpenState::Closed {
                opens_at: Some(mon + 8 * H)
            }
        );
        assert_eq!(
            at(&s, DAY0 + 10 * H),
            OpenState::Open {
                closes_at: Some(DAY0 + 19 * H)
            }
        );
    }

    #[test]
    fn schedules_come_as_json_from_the_server() {
        let s: Schedule =
            serde_json::from_str(r#"{"from": 0, "to": 86400, "intervals": [[28800, 72000]]}"#)
                .unwrap();
        assert_eq!(s.intervals, vec![[28800, 72000]]);
        assert!(s.unknown_intervals.is_empty(), "the key is optional");
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("unknown"), "{json}");
        assert_eq!(serde_json::from_str::<Schedule>(&json).unwrap(), s);
        let s: Schedule = serde_json::from_str(
            r#"{"from": 0, "to": 86400, "intervals": [], "unknown_intervals": [[0, 3600]]}"#,
        )
        .unwrap();
        assert_eq!(open_state(Some(&s), 60, 1800), OpenState::Unknown);
        assert_eq!(
            open_state(Some(&s), 3600, 1800),
            OpenState::Closed { opens_at: None }
        );
    }
}
