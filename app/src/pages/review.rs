//! `/staff/registrations`: the staff's review of merchant registrations. Tabs for 待审核 / 已通过
//! / 未通过; each registration a card with what residents will see (name, category, address,
//! phone, hours, prices), the automatic checks, the shop-front and licence photos (staff-only
//! addresses), the pin on a small map, and the decision: approve in one tap, or reject with a
//! reason the merchant will read.

use super::api::{self, ApiError};
use super::load::load;
use super::merchant::model::{change_names, yuan_text};
use super::merchant::pin_map::PinMap;
use super::merchant::setup::{self, Setup};
use super::shell::{Failed, Loading};
use super::staff::{Staff, StaffOnly};
use crate::domain::merchant::Registration;
use crate::ui::i18n::{is_en, pick, tr, trf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The tabs: the server's status and how it is said.
const TABS: [(&str, &str, &str); 3] = [
    ("pending", "待审核", "Waiting"),
    ("approved", "已通过", "Approved"),
    ("rejected", "未通过", "Rejected"),
];

/// The reason the merchant reads (the server's limits).
const REASON_MIN: usize = 2;
const REASON_MAX: usize = 200;

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Check {
    code: String,
    ok: bool,
    zh: String,
    en: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct PhotoLinks {
    url: String,
    thumb_url: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Item {
    id: i64,
    kind: String,
    status: String,
    #[serde(default)]
    changes: Vec<String>,
    reason: Option<String>,
    submitted_at: String,
    decided_at: Option<String>,
    decided_by: Option<String>,
    registration: Registration,
    opening_hours: Option<String>,
    #[serde(default)]
    checks: Vec<Check>,
    #[serde(default)]
    photos: BTreeMap<String, PhotoLinks>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Queue {
    registrations: Vec<Item>,
}

async fn queue(status: &str) -> Result<Queue, ApiError> {
    api::get(&format!("/api/staff/registrations?status={status}")).await
}

#[derive(serde::Serialize)]
struct Empty {}

#[derive(serde::Serialize)]
struct RejectBody<'a> {
    reason: &'a str,
}

async fn approve(id: i64, csrf: &str) -> Result<serde_json::Value, ApiError> {
    api::post(
        &format!("/api/staff/registrations/{id}/approve"),
        &Empty {},
        Some(csrf),
    )
    .await
}

async fn reject(id: i64, reason: &str, csrf: &str) -> Result<serde_json::Value, ApiError> {
    api::post(
        &format!("/api/staff/registrations/{id}/reject"),
        &RejectBody { reason },
        Some(csrf),
    )
    .await
}

/// A reason the server will take, or the message to show beside the box.
pub fn reason_problem(reason: &str) -> Option<String> {
    let n = reason.trim().chars().count();
    if n < REASON_MIN {
        Some(trf!(
            "请写明驳回原因（至少 {REASON_MIN} 个字），商户会看到它并据此修改",
            "Write the reason (at least {REASON_MIN} characters); the merchant reads it"
        ))
    } else if n > REASON_MAX {
        Some(trf!(
            "原因最多 {REASON_MAX} 个字，现在 {n} 个",
            "At most {REASON_MAX} characters, {n} given"
        ))
    } else {
        None
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    view! { <StaffOnly render=|staff, _| view! { <Review staff /> }.into_any() /> }
}

#[component]
fn Review(staff: Staff) -> impl IntoView {
    let tab = RwSignal::new("pending");
    let setup = RwSignal::new(None);
    let fetch_setup = move || load(setup, setup::load());
    fetch_setup();
    let items = RwSignal::new(None::<Result<Vec<Item>, ApiError>>);
    // What was just decided, said at the top after the card has left the list.
    let said = RwSignal::new(None::<String>);
    let reload = move || {
        let status = tab.get_untracked();
        items.set(None);
        spawn_local(async move {
            let answer = queue(status).await.map(|q| q.registrations);
            if let Err(e) = &answer {
                staff.explain(e);
            }
            // A tab changed meanwhile: its own load follows.
            if tab.get_untracked() == status {
                items.set(Some(answer));
            }
        });
    };
    reload();
    let tabs = TABS
        .iter()
        .map(|&(code, zh, en)| {
            view! {
                <button class="tab" type="button" role="tab" data-testid=format!("tab-{code}")
                    aria-selected=move || if tab.get() == code { "true" } else { "false" }
                    on:click=move |_| {
                        if tab.get_untracked() != code {
                            tab.set(code);
                            said.set(None);
                            reload();
                        }
                    }>
                    {tr(zh, en)}
                </button>
            }
        })
        .collect_view();
    let remove = move |id: i64, text: String| {
        items.update(|i| {
            if let Some(Ok(list)) = i {
                list.retain(|it| it.id != id);
            }
        });
        said.set(Some(text));
    };
    view! {
        <header class="staff-head">
            <h1 id="step-heading" tabindex="-1">{tr("商户入驻审核", "Shop registrations")}</h1>
            <p class="small"><a href="/staff">{tr("返回工作台", "Back to the staff page")}</a></p>
        </header>
        <div class="tabs" role="tablist" aria-label=tr("审核状态", "Review status")>{tabs}</div>
        {move || said.get().map(|s| view! { <p class="ok-note" role="status" data-testid="decided">{s}</p> })}
        {move || match (items.get(), setup.get()) {
            (Some(Err(e)), _) | (_, Some(Err(e))) => view! {
                <Failed error=e retry=move || { fetch_setup(); reload(); } />
            }.into_any(),
            (None, _) | (_, None) => view! { <Loading text=tr("正在读取登记…", "Loading registrations…") /> }.into_any(),
            (Some(Ok(list)), Some(Ok(s))) if list.is_empty() => {
                let _ = s;
                view! {
                    <div class="state" data-testid="queue-empty">
                        <p class="state-title">{match tab.get_untracked() {
                            "pending" => tr("没有待审核的登记", "Nothing waiting for review"),
                            "approved" => tr("还没有通过的登记", "None approved yet"),
                            _ => tr("没有未通过的登记", "None rejected"),
                        }}</p>
                    </div>
                }.into_any()
            }
            (Some(Ok(list)), Some(Ok(s))) => list
                .into_iter()
                .map(|it| view! { <Card staff item=it setup=s.clone() remove /> })
                .collect_view()
                .into_any(),
        }}
    }
}

/// The server's UTC stamp ("2026-11-21T10:30:00Z") in this phone's time: "11-21 18:30".
fn when(ts: &str) -> String {
    let d = js_sys::Date::new(&ts.into());
    if d.get_time().is_nan() {
        return ts.to_string();
    }
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

#[component]
fn Card(
    staff: Staff,
    item: Item,
    setup: Setup,
    remove: impl Fn(i64, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let r = item.registration.clone();
    let rules = setup.rules.clone();
    let category = rules
        .category(&r.category)
        .map(|c| pick(&c.name_zh, &c.name_en).to_string())
        .unwrap_or_else(|| r.category.clone());
    let kinds: Vec<String> = r
        .repair_kinds
        .iter()
        .map(|k| {
            rules
                .repair_kind(k)
                .map_or(k.clone(), |k| pick(&k.name_zh, &k.name_en).to_string())
        })
        .collect();
    let services: Vec<String> = r
        .services
        .iter()
        .map(|k| {
            rules
                .service(k)
                .map_or(k.clone(), |k| pick(&k.name_zh, &k.name_en).to_string())
        })
        .collect();
    let hours = item
        .opening_hours
        .as_deref()
        .map(crate::ui::hours::hours_text)
        .unwrap_or_default();
    let pending = item.status == "pending";
    let id = item.id;
    let name = r.name.clone();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);

    let name2 = name.clone();
    let on_approve = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let name = name2.clone();
        spawn_local(async move {
            match approve(id, &staff.csrf()).await {
                Ok(_) => remove(
                    id,
                    trf!(
                        "已通过：“{name}”已显示在居民的地图上",
                        "Approved: {name} is on the residents' map now"
                    ),
                ),
                Err(e) => error.set(Some(staff.explain(&e))),
            }
            busy.set(false);
        });
    };
    let name3 = name.clone();
    let on_reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let text = reason.get_untracked();
        if let Some(p) = reason_problem(&text) {
            reason_error.set(Some(p));
            return;
        }
        reason_error.set(None);
        busy.set(true);
        let name = name3.clone();
        spawn_local(async move {
            match reject(id, text.trim(), &staff.csrf()).await {
                Ok(_) => remove(
                    id,
                    trf!(
                        "已驳回：“{name}”，商户会在管理页面看到原因",
                        "Rejected: {name}; the merchant sees the reason"
                    ),
                ),
                Err(e) => reason_error.set(Some(staff.explain(&e))),
            }
            busy.set(false);
        });
    };

    let kind_badge = if item.kind == "change" {
        let what = change_names(&item.changes);
        format!("{}{}", tr("修改：", "Change: "), what)
    } else {
        tr("新登记", "New").to_string()
    };
    let pin = Signal::derive(move || Some([r.lon, r.lat]));
    let photo = |kind: &str, zh: &'static str, en: &'static str| {
        item.photos.get(kind).cloned().map(|p| {
            view! {
                <a class="review-photo" href=p.url target="_blank" rel="noopener" data-testid=format!("photo-{kind}")>
                    <img src=p.thumb_url alt=tr(zh, en) loading="lazy" />
                    <span>{tr(zh, en)}</span>
                </a>
            }
        })
    };
    let photos = [
        photo("shopfront", "门头照片", "Shop front"),
        photo("licence", "营业执照", "Licence"),
    ];
    let has_photos = photos.iter().any(Option::is_some);
    let checks = item
        .checks
        .iter()
        .map(|c| {
            let text = if is_en() { c.en.clone() } else { c.zh.clone() };
            view! {
                <li class=if c.ok { "check-ok" } else { "check-bad" } data-check=c.code.clone()>
                    <span class="check-mark" aria-hidden="true">{if c.ok { "✓" } else { "！" }}</span>
                    <span class="sr-only">{if c.ok { tr("通过：", "Passed: ") } else { tr("请注意：", "Look: ") }}</span>
                    {text}
                </li>
            }
        })
        .collect_view();
    let prices = item
        .registration
        .prices
        .iter()
        .map(|p| view! { <tr><td>{p.item.clone()}</td><td class="num">{format!("{} {}", yuan_text(p.price_fen), tr("元", "yuan"))}</td></tr> })
        .collect_view();
    let has_prices = !item.registration.prices.is_empty();
    let reg = &item.registration;
    let decided = item.decided_at.as_deref().map(|d| {
        let by = item.decided_by.clone().unwrap_or_default();
        format!("{} {} · {}", tr("处理于", "Decided"), when(d), by)
    });
    view! {
        <article class="card review-card" data-testid="review-card" data-id=id.to_string()>
            <header class="review-card-head">
                <h2>{name.clone()}</h2>
                <p class="small">
                    <span class="badge badge-warn">{kind_badge}</span>
                    {format!(" {} · {} {}", category, tr("提交于", "sent"), when(&item.submitted_at))}
                </p>
            </header>
            <dl class="facts">
                {(!kinds.is_empty()).then(|| view! { <dt>{tr("维修项目", "Repairs")}</dt><dd>{kinds.join("、")}</dd> })}
                <dt>{tr("地址", "Address")}</dt><dd>{reg.address.clone()}</dd>
                <dt>{tr("电话", "Phone")}</dt><dd><a href=format!("tel:{}", reg.phone)>{reg.phone.clone()}</a></dd>
                <dt>{tr("营业时间", "Hours")}</dt><dd data-testid="review-hours">{hours}</dd>
                {(!services.is_empty()).then(|| view! { <dt>{tr("便民服务", "Services")}</dt><dd>{services.join("、")}</dd> })}
                <dt>{tr("经营方式", "Ownership")}</dt>
                <dd>{match &reg.brand { Some(b) => format!("{}：{b}", tr("连锁品牌", "Chain")), None => tr("独立经营", "Independent").into() }}
                    {if reg.delivers { tr("，可送货上门", ", delivers") } else { "" }}</dd>
                <dt>{tr("信用代码", "Credit code")}</dt><dd class="mono">{reg.credit_code.clone()}</dd>
            </dl>
            {has_prices.then(|| view! {
                <table class="price-table" data-testid="review-prices">
                    <caption>{tr("价目表", "Price list")}</caption>
                    <tbody>{prices}</tbody>
                </table>
            })}
            <h3 class="sub">{tr("自动检查", "Automatic checks")}</h3>
            <ul class="checks">{checks}</ul>
            {has_photos.then(|| view! { <div class="review-photos">{photos}</div> })}
            <PinMap pin set_pin=Callback::new(|_| {}) circle=setup.circle.clone() rules=setup.rules.clone() readonly=true />
            {item.reason.clone().map(|r| view! { <p class="reason"><strong>{tr("驳回原因：", "Reason: ")}</strong>{r}</p> })}
            {decided.map(|d| view! { <p class="small">{d}</p> })}
            {move || error.get().map(|e| view! { <p class="step-error" role="alert">{e}</p> })}
            {pending.then(|| view! {
                <div class="decide">
                    <div class="actions" hidden=move || rejecting.get()>
                        <button class="button primary" type="button" data-testid="approve" disabled=move || busy.get() on:click=on_approve>
                            {tr("通过", "Approve")}
                        </button>
                        <button class="button secondary" type="button" data-testid="reject-open" on:click=move |_| rejecting.set(true)>
                            {tr("驳回…", "Reject…")}
                        </button>
                    </div>
                    <form class="reject-form" hidden=move || !rejecting.get() on:submit=on_reject novalidate>
                        <label class="field-label" for=format!("reason-{id}")>{tr("驳回原因（商户会看到）", "Reason (the merchant reads it)")}</label>
                        <textarea id=format!("reason-{id}") class="field" rows="3" maxlength="200" data-testid="reject-reason"
                            on:input=move |ev| { reason.set(event_target_value(&ev)); reason_error.set(None); }></textarea>
                        {move || reason_error.get().map(|e| view! { <p class="step-error" role="alert" data-testid="reason-error">{e}</p> })}
                        <div class="actions">
                            <button class="button danger" type="submit" data-testid="reject" disabled=move || busy.get()>{tr("确认驳回", "Reject")}</button>
                            <button class="button secondary" type="button" on:click=move |_| rejecting.set(false)>{tr("取消", "Cancel")}</button>
                        </div>
                    </form>
                </div>
            })}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_not_too_long() {
        assert!(reason_problem(" ").is_some());
        assert!(reason_problem("无").is_some());
        assert!(reason_problem("执照照片看不清").is_none());
        assert!(reason_problem(&"字".repeat(201)).is_some());
    }
}
