//! The outlet card that slides up when a marker is tapped: what a resident needs to decide
//! and act — name, what it is, prices, hours, address and a big 打电话 button.

use super::filter::{category_badge, kind_badge, Badge};
use super::hours::hours_text;
use crate::domain::{Rules, StoredOutlet};
use leptos::prelude::*;

/// Escapes text for HTML built as a string (Leaflet icons take HTML text).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The name residents see: the outlet's own, or its category's for unnamed OSM features.
pub fn display_name(rules: &Rules, o: &StoredOutlet) -> String {
    o.outlet
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| category_badge(rules, &o.outlet.category).name)
}

fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

#[component]
pub fn OutletCard(
    outlet: StoredOutlet,
    rules: Rules,
    /// The glyph of the tapped marker, so card and marker look alike.
    badge: Badge,
    /// "步行 6 分钟 · 450 米" (or that it is unknown) and where that walk starts.
    walk: String,
    origin: Option<String>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let o = &outlet.outlet;
    let category = category_badge(&rules, &o.category).name;
    let name = display_name(&rules, &outlet);
    let kind_of_shop = match &o.brand {
        Some(brand) => format!("连锁品牌 · {brand}"),
        None => "独立门店".to_string(),
    };
    let repair_kinds: Vec<String> = o
        .repair_kinds
        .iter()
        .map(|k| kind_badge(&rules, k).name)
        .collect();
    let services: Vec<String> = o
        .services
        .iter()
        .map(|s| {
            rules
                .service(s)
                .map_or_else(|| s.clone(), |k| k.name_zh.clone())
        })
        .collect();
    let prices: Vec<(String, String)> = o
        .prices
        .iter()
        .map(|p| (p.item.clone(), p.price_text()))
        .collect();
    let hours = o.opening_hours.as_deref().map(hours_text);
    let phone = o.phone.clone();
    let address = o.address.clone();
    let sample = o.is_sample();
    let open_24h = o.open_24h;
    let delivers = o.delivers == Some(true);

    view! {
        <section class="card" data-testid="outlet-popup" aria-label=name.clone()>
            <header class="card-head">
                <span class="glyph glyph--big" style:background=badge.color.clone() aria-hidden="true">
                    {badge.glyph.clone()}
                </span>
                <div class="card-title">
                    <h2>{name.clone()}</h2>
                    <p class="card-sub">{category} " · " {kind_of_shop}</p>
                </div>
                <button class="card-close" aria-label="关闭" on:click=move |_| on_close.run(())>
                    "×"
                </button>
            </header>
            <p class="card-walk" data-testid="card-walk">
                <span class="card-walk-icon" aria-hidden="true"></span>
                <strong>{walk}</strong>
                {origin.map(|o| view! { <span class="card-walk-from">"（从" {o} "出发）"</span> })}
            </p>
            <div class="card-badges">
                {sample.then(|| view! { <span class="tag tag--sample">"示例数据 · 非真实商户"</span> })}
                {open_24h.then(|| view! { <span class="tag tag--good">"24小时"</span> })}
                {delivers.then(|| view! { <span class="tag tag--good">"可配送"</span> })}
            </div>
            {phone.clone().map(|p| {
                let href = tel_href(&p);
                view! {
                    <a class="call" href=href>
                        <span class="call-label">"打电话"</span>
                        <span class="call-number">{p}</span>
                    </a>
                }
            })}
            <dl class="card-facts">
                {(!repair_kinds.is_empty()).then(|| view! {
                    <dt>"维修项目"</dt>
                    <dd>{repair_kinds.join("、")}</dd>
                })}
                {(!services.is_empty()).then(|| view! {
                    <dt>"还能办"</dt>
                    <dd>{services.join("、")}</dd>
                })}
                <dt>"营业时间"</dt>
                <dd>{hours.unwrap_or_else(|| "暂无营业时间信息".to_string())}</dd>
                {phone.is_none().then(|| view! {
                    <dt>"电话"</dt>
                    <dd class="muted">"暂无联系电话"</dd>
                })}
                <dt>"地址"</dt>
                <dd>{address.unwrap_or_else(|| "暂无地址信息".to_string())}</dd>
            </dl>
            {(!prices.is_empty()).then(|| view! {
                <div class="card-prices">
                    <h3>"价目表"</h3>
                    <table>
                        <tbody>
                            {prices.into_iter().map(|(item, price)| view! {
                                <tr><td>{item}</td><td class="price">{price}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_keeps_phone_digits() {
        assert_eq!(
            escape("<b>\"A&B\"</b>"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
        assert_eq!(tel_href("021-6123 4567"), "tel:02161234567");
        assert_eq!(tel_href("+358 9 123"), "tel:+3589123");
    }
}
