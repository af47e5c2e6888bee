//! The registration a merchant posts (`POST /api/registrations`) and its checks. Every problem
//! is reported at once, each with the JSON field it belongs to, so the form can mark all of
//! them in one round. Text is kept as given (trimmed): storage binds it as parameters, so
//! quotes or SQL-looking words are harmless and are not rewritten.

use super::credit_code::{self, CreditCode};
use super::phone::{self, Phone};
use super::weekly_hours::WeeklyHours;
use crate::domain::outlet::{Outlet, OutletSource, PriceItem};
use crate::domain::rules::Rules;
use serde::{Deserialize, Deserializer, Serialize};
use std::ops::RangeInclusive;

const NAME_CHARS: RangeInclusive<usize> = 1..=40;
const ADDRESS_CHARS: RangeInclusive<usize> = 2..=80;
const BRAND_CHARS: RangeInclusive<usize> = 1..=30;
const ITEM_CHARS: RangeInclusive<usize> = 1..=20;
const MAX_PRICE_LINES: usize = 50;
/// 1 分 to 10 000 元.
const PRICE_FEN: RangeInclusive<u32> = 1..=1_000_000;

/// What the registration form sends. Unknown fields are refused (also inside price lines and
/// hours) so a client bug or a probe cannot slip data past the checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub name: String,
    /// A category code from the rules (`repair`, `breakfast`, …).
    pub category: String,
    /// Repair kind codes; only for the repair category.
    #[serde(default)]
    pub repair_kinds: Vec<String>,
    /// 明码标价 price list; required for the repair category.
    #[serde(default, deserialize_with = "strict_prices")]
    pub prices: Vec<PriceItem>,
    /// 一店多能: service codes from the rules.
    #[serde(default)]
    pub services: Vec<String>,
    /// WGS-84, where the merchant dropped the pin.
    pub lon: f64,
    pub lat: f64,
    pub address: String,
    pub phone: String,
    pub hours: WeeklyHours,
    /// Chain brand; `None` = independent.
    #[serde(default)]
    pub brand: Option<String>,
    pub delivers: bool,
    /// 统一社会信用代码 from the business licence.
    pub credit_code: String,
}

/// `PriceItem` as the form sends it, refusing unknown fields (the shared type cannot, as it is
/// also read from stored outlets).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictPriceItem {
    item: String,
    price_fen: u32,
}

fn strict_prices<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PriceItem>, D::Error> {
    let lines = Vec::<StrictPriceItem>::deserialize(d)?;
    Ok(lines
        .into_iter()
        .map(|l| PriceItem {
            item: l.item,
            price_fen: l.price_fen,
        })
        .collect())
}

/// One problem: the JSON path of the field ("credit_code", "prices[2].price_fen",
/// "hours.days[0][1]") and what is wrong, in Chinese for the merchant and in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub zh: String,
    pub en: String,
}

impl FieldError {
    fn new(field: impl Into<String>, zh: String, en: String) -> FieldError {
        FieldError {
            field: field.into(),
            zh,
            en,
        }
    }
}

/// A registration that passed every check, normalised: text trimmed, codes without repeats,
/// the phone in its display form and the credit code upper-case.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRegistration {
    registration: Registration,
    phone: Phone,
    credit_code: CreditCode,
    opening_hours: String,
}

impl CheckedRegistration {
    pub fn registration(&self) -> &Registration {
        &self.registration
    }

    pub fn phone(&self) -> &Phone {
        &self.phone
    }

    pub fn credit_code(&self) -> &CreditCode {
        &self.credit_code
    }

    /// The hours as OSM `opening_hours` text.
    pub fn opening_hours(&self) -> &str {
        &self.opening_hours
    }

    /// The listing as residents will see it once staff approve it.
    pub fn to_outlet(&self) -> Outlet {
        let r = &self.registration;
        Outlet {
            name: Some(r.name.clone()),
            name_en: None,
            category: r.category.clone(),
            repair_kinds: r.repair_kinds.clone(),
            services: r.services.clone(),
            prices: r.prices.clone(),
            opening_hours: Some(self.opening_hours.clone()),
            phone: Some(self.phone.display()),
            address: Some(r.address.clone()),
            brand: r.brand.clone(),
            delivers: Some(r.delivers),
            open_24h: r.hours.open_24h,
            source: OutletSource::Merchant,
            osm_ref: None,
            lon: r.lon,
            lat: r.lat,
        }
    }
}

/// Checks the length in characters (not bytes) and refuses control characters; returns the
/// trimmed text. `(zh, en)` names the field in both languages ("店名", "shop name").
fn check_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    (zh, en): (&str, &str),
    value: &str,
    chars: RangeInclusive<usize>,
) -> String {
    let value = value.trim();
    let n = value.chars().count();
    if n == 0 {
        errors.push(FieldError::new(
            field,
            format!("请填写{zh}"),
            format!("please enter the {en}"),
        ));
    } else if n < *chars.start() {
        errors.push(FieldError::new(
            field,
            format!("{zh}太短：至少 {} 个字", chars.start()),
            format!("{en} too short: at least {} characters", chars.start()),
        ));
    } else if n > *chars.end() {
        errors.push(FieldError::new(
            field,
            format!("{zh}太长：最多 {} 个字，现在 {n} 个", chars.end()),
            format!(
                "{en} too long: at most {} characters, {n} given",
                chars.end()
            ),
        ));
    }
    if value.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            format!("{zh}里有换行或不可见的控制字符，请删除"),
            format!("the {en} contains line breaks or control characters"),
        ));
    }
    value.to_string()
}

/// Codes in their first order, without repeats (a double tap in the form is no error).
fn distinct(codes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(codes.len());
    for c in codes {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

impl Registration {
    /// Checks everything against the rules (categories, repair kinds, services) and returns the
    /// normalised registration, or every problem found.
    pub fn check(&self, rules: &Rules) -> Result<CheckedRegistration, Vec<FieldError>> {
        let mut errors = Vec::new();
        let e = &mut errors;

        let name = check_text(e, "name", ("店名", "shop name"), &self.name, NAME_CHARS);

        let repair = &rules.repair_map.category;
        let is_repair = self.category == *repair;
        if self.category.trim().is_empty() {
            e.push(FieldError::new(
                "category",
                "请选择业态类别".into(),
                "please choose a category".into(),
            ));
        } else if rules.category(&self.category).is_none() {
            e.push(FieldError::new(
                "category",
                format!("未知的业态类别“{}”", self.category),
                format!("unknown category '{}'", self.category),
            ));
        }

        if !self.repair_kinds.is_empty() && !is_repair {
            let repair_zh = rules.category(repair).map_or("", |c| c.name_zh.as_str());
            e.push(FieldError::new(
                "repair_kinds",
                format!("只有{repair_zh}类网点可以填写维修项目"),
                format!("only '{repair}' outlets have repair kinds"),
            ));
        }
        for (i, kind) in self.repair_kinds.iter().enumerate() {
            if rules.repair_kind(kind).is_none() {
                e.push(FieldError::new(
                    format!("repair_kinds[{i}]"),
                    format!("未知的维修项目“{kind}”"),
                    format!("unknown repair kind '{kind}'"),
                ));
            }
        }

        let prices = self.check_prices(e, is_repair);

        for (i, s) in self.services.iter().enumerate() {
            if rules.service(s).is_none() {
                e.push(FieldError::new(
                    format!("services[{i}]"),
                    format!("未知的服务项目“{s}”"),
                    format!("unknown service '{s}'"),
                ));
            }
        }

        // NaN and infinities fail the range checks too.
        if !(-180.0..=180.0).contains(&self.lon) {
            e.push(FieldError::new(
                "lon",
                "经度无效（应在 −180 到 180 之间），请在地图上重新放置位置".into(),
                format!("invalid longitude {} (−180 to 180)", self.lon),
            ));
        }
        if !(-90.0..=90.0).contains(&self.lat) {
            e.push(FieldError::new(
                "lat",
                "纬度无效（应在 −90 到 90 之间），请在地图上重新放置位置".into(),
                format!("invalid latitude {} (−90 to 90)", self.lat),
            ));
        }

        let address = check_text(
            e,
            "address",
            ("地址", "address"),
            &self.address,
            ADDRESS_CHARS,
        );

        let phone = phone::check(&self.phone)
            .map_err(|err| e.push(FieldError::new("phone", err.message_zh(), err.message_en())))
            .ok();

        let opening_hours = self.check_hours(e);

        let brand = self
            .brand
            .as_deref()
            .map(|b| check_text(e, "brand", ("品牌名称", "brand"), b, BRAND_CHARS));

        let credit_code = credit_code::check(&self.credit_code)
            .map_err(|err| {
                e.push(FieldError::new(
                    "credit_code",
                    err.message_zh(),
                    err.message_en(),
                ))
            })
            .ok();

        match (phone, opening_hours, credit_code) {
            (Some(phone), Some(opening_hours), Some(credit_code)) if errors.is_empty() => {
                Ok(CheckedRegistration {
                    registration: Registration {
                        name,
                        category: self.category.clone(),
                        repair_kinds: distinct(&self.repair_kinds),
                        prices,
                        services: distinct(&self.services),
                        lon: self.lon,
                        lat: self.lat,
                        address,
                        phone: phone.display(),
                        hours: self.hours.clone(),
                        brand,
                        delivers: self.delivers,
                        credit_code: credit_code.to_string(),
                    },
                    phone,
                    credit_code,
                    opening_hours,
                })
            }
            _ => Err(errors),
        }
    }

    /// The price lines with trimmed items; problems go to `e`.
    fn check_prices(&self, e: &mut Vec<FieldError>, is_repair: bool) -> Vec<PriceItem> {
        if self.prices.len() > MAX_PRICE_LINES {
            e.push(FieldError::new(
                "prices",
                format!(
                    "价目表最多 {MAX_PRICE_LINES} 行，现在 {} 行",
                    self.prices.len()
                ),
                format!(
                    "at most {MAX_PRICE_LINES} price lines, {} given",
                    self.prices.len()
                ),
            ));
        }
        if is_repair && self.prices.is_empty() {
            e.push(FieldError::new(
                "prices",
                "维修网点须明码标价：请至少填写一项价格".into(),
                "repair points show their prices: add at least one price line".into(),
            ));
        }
        let mut lines = Vec::with_capacity(self.prices.len());
        for (i, p) in self.prices.iter().enumerate() {
            let line = i + 1;
            let item = check_text(
                e,
                &format!("prices[{i}].item"),
                (
                    &format!("价目表第 {line} 行的项目名"),
                    &format!("item of price line {line}"),
                ),
                &p.item,
                ITEM_CHARS,
            );
            if !PRICE_FEN.contains(&p.price_fen) {
                let (zh, en) = if p.price_fen < *PRICE_FEN.start() {
                    ("价格至少 0.01 元", "a price is at least 0.01 yuan")
                } else {
                    ("价格最多 10000 元", "a price is at most 10000 yuan")
                };
                e.push(FieldError::new(
                    format!("prices[{i}].price_fen"),
                    format!("价目表第 {line} 行：{zh}"),
                    format!("price line {line}: {en}"),
                ));
            }
            lines.push(PriceItem {
                item,
                price_fen: p.price_fen,
            });
        }
        lines
    }

    /// The hours as OSM text when they are valid and not empty; problems go to `e`.
    fn check_hours(&self, e: &mut Vec<FieldError>) -> Option<String> {
        if let Err(errors) = self.hours.check() {
            e.extend(
                errors
                    .iter()
                    .map(|h| FieldError::new(h.field(), h.message_zh(), h.message_en())),
            );
            return None;
        }
        let text = self.hours.to_osm();
        if text.is_none() {
            e.push(FieldError::new(
                "hours",
                "请填写营业时间，或选择“24 小时营业”".into(),
                "please enter opening hours or choose open 24 hours".into(),
            ));
        }
        text
    }
}
