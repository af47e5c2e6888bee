//! Query parameters: read once, refused when unknown, each with a clear 400 in Chinese and
//! English.

use crate::error::ApiError;
use app::domain::{BBox, Rules};
use chrono::{Datelike, NaiveDate};

pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses the query, refusing any key not in `allowed`.
    pub fn parse(query: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if let Some((k, _)) = pairs.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            return Err(ApiError::bad_request(
                "unknown_parameter",
                format!("不认识的查询参数：“{k}”"),
                format!("unknown query parameter '{k}'; use {}", allowed.join(", ")),
            ));
        }
        Ok(Params { pairs })
    }

    /// Every value of a repeatable key, comma-separated values split.
    fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    pub fn one(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
    }

    pub fn categories(&self, rules: &Rules) -> Result<Vec<String>, ApiError> {
        let known: Vec<&str> = rules.categories.iter().map(|c| c.code.as_str()).collect();
        self.codes("category", &known, |code| {
            ApiError::bad_request(
                "unknown_category",
                format!("没有这个业态类别：“{code}”"),
                format!("unknown category '{code}'; known: {}", known.join(", ")),
            )
        })
    }

    pub fn repair_kinds(&self, rules: &Rules) -> Result<Vec<String>, ApiError> {
        let known: Vec<&str> = rules.repair_kinds.iter().map(|k| k.code.as_str()).collect();
        self.codes("repair_kind", &known, |code| {
            ApiError::bad_request(
                "unknown_repair_kind",
                format!("没有这个维修项目：“{code}”"),
                format!("unknown repair kind '{code}'; known: {}", known.join(", ")),
            )
        })
    }

    fn codes(
        &self,
        key: &str,
        known: &[&str],
        unknown: impl Fn(&str) -> ApiError,
    ) -> Result<Vec<String>, ApiError> {
        self.all(key)
            .map(|code| {
                known
                    .contains(&code)
                    .then(|| code.to_string())
                    .ok_or_else(|| unknown(code))
            })
            .collect()
    }

    pub fn bbox(&self) -> Result<Option<BBox>, ApiError> {
        let Some(text) = self.one("bbox") else {
            return Ok(None);
        };
        BBox::parse(text).map(Some).map_err(|e| {
            ApiError::bad_request(
                "bad_bbox",
                "地图范围参数 bbox 格式不对，应为“西,南,东,北”四个经纬度数字",
                e,
            )
        })
    }

    /// The origin `lon`/`lat`, both required.
    pub fn origin(&self) -> Result<[f64; 2], ApiError> {
        let read = |key: &str, range: std::ops::RangeInclusive<f64>| {
            let text = self.one(key).ok_or_else(|| {
                ApiError::bad_request(
                    "missing_origin",
                    "请提供出发点的经纬度（lon 和 lat）",
                    format!("'{key}' is required: the origin as lon=…&lat=… (WGS-84)"),
                )
            })?;
            text.parse::<f64>()
                .ok()
                .filter(|v| range.contains(v))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "bad_origin",
                        "出发点的经纬度格式不对",
                        format!("'{key}' must be a number in {range:?}, not \"{text}\""),
                    )
                })
        };
        Ok([read("lon", -180.0..=180.0)?, read("lat", -90.0..=90.0)?])
    }

    /// Walking minutes: one or several (comma-separated), each 1–60; `default` when absent.
    pub fn minutes(&self, default: &[u32]) -> Result<Vec<u32>, ApiError> {
        let mut out = Vec::new();
        for text in self.all("minutes") {
            let m = text
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=60).contains(m))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "bad_minutes",
                        "步行时间要在 1 到 60 分钟之间",
                        format!("minutes must be whole numbers from 1 to 60, not \"{text}\""),
                    )
                })?;
            out.push(m);
        }
        if out.is_empty() {
            out.extend_from_slice(default);
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// `elderly=true` walks at the rules' elderly speed.
    pub fn elderly(&self) -> Result<bool, ApiError> {
        match self.one("elderly") {
            None | Some("false" | "0" | "") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(other) => Err(ApiError::bad_request(
                "bad_elderly",
                "elderly 参数只能是 true 或 false",
                format!("elderly must be true or false, not \"{other}\""),
            )),
        }
    }

    /// `date=YYYY-MM-DD` (exactly so: a resident's calendar day); `None` when absent.
    pub fn date(&self) -> Result<Option<NaiveDate>, ApiError> {
        let Some(text) = self.one("date") else {
            return Ok(None);
        };
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        let date = shaped
            .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
            .flatten()
            .ok_or_else(|| {
                ApiError::bad_request(
                    "bad_date",
                    "日期格式应为 YYYY-MM-DD，例如 2026-11-21",
                    format!("date must be a calendar date as YYYY-MM-DD, not \"{text}\""),
                )
            })?;
        if !(1970..=2999).contains(&date.year()) {
            return Err(Params::date_out_of_range(date));
        }
        Ok(Some(date))
    }

    /// `round=N`: a survey round id; `None` when absent.
    pub fn round(&self) -> Result<Option<i64>, ApiError> {
        let Some(text) = self.one("round") else {
            return Ok(None);
        };
        text.parse::<i64>()
            .ok()
            .filter(|&id| id > 0)
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "bad_round",
                    "调查轮次 round 应为正整数",
                    format!("round must be a round id (a positive whole number), not \"{text}\""),
                )
            })
    }

    pub fn date_out_of_range(date: NaiveDate) -> ApiError {
        ApiError::bad_request(
            "bad_date",
            "日期超出范围，应在 1970 年到 2999 年之间",
            format!("date {date} is out of range (years 1970 to 2999)"),
        )
    }
}
