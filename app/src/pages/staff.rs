//! The staff pages (`/staff`): log in, then per circle open a round (population from the
//! circle, open mode or codes), see the counts, issue codes (→ the printable sheet at
//! `/staff/codes`), close the round, reach the indicator page and the two CSV exports; add a
//! staff account; log out. Every POST sends the session's CSRF token.

use super::api::{self, ApiError, RoundInfo, Session, StaffCircle};
use super::charts::SampleBar;
use super::code_sheet::{CodeSheet, Sheet};
use super::grade::GradePage;
use super::indicators::group_digits;
use super::load::load;
use super::shell::{focus_soon, Failed, Loading, STAFF_KEY};
use crate::ui::i18n::{tr, trf};
use crate::ui::storage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

/// The session of this page, and what to do when the server says it has ended.
#[derive(Clone, Copy)]
pub(super) struct Staff {
    session: RwSignal<Option<Session>>,
    /// Said on the login form (e.g. "登录已过期").
    notice: RwSignal<Option<String>>,
}

impl Staff {
    pub(super) fn csrf(&self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.csrf.clone()))
            .unwrap_or_default()
    }

    /// An error's text; a lost session (401, or a stale CSRF token) goes back to the login.
    pub(super) fn explain(&self, e: &ApiError) -> String {
        if e.status == 401 || e.code == "csrf" {
            storage::remove(STAFF_KEY);
            self.notice.set(Some(e.text()));
            self.session.set(None);
        }
        e.text()
    }
}

impl Staff {
    pub(super) fn new() -> Staff {
        Staff {
            session: RwSignal::new(None),
            notice: RwSignal::new(None),
        }
    }
}

/// This phone's staff session as the server sees it (`None` while asking), and the check that
/// (re)asks. Asked only where someone logged in on this phone: else "not logged in" at once,
/// with no 401 in the console of a first visit.
fn watch_session(
    staff: Staff,
) -> (
    RwSignal<Option<Result<Session, ApiError>>>,
    impl Fn() + Copy,
) {
    let me = RwSignal::new(None);
    let ask = move || {
        spawn_local(async move {
            let answer = api::me().await;
            match &answer {
                Ok(s) => staff.session.set(Some(s.clone())),
                Err(e) if e.status == 401 => storage::remove(STAFF_KEY),
                Err(_) => {}
            }
            me.set(Some(answer));
        })
    };
    let check = move || {
        if storage::get(STAFF_KEY).is_some() {
            ask();
        } else {
            me.set(Some(Err(ApiError {
                status: 401,
                code: "not_logged_in".into(),
                message: None,
                question: None,
            })));
        }
    };
    (me, check)
}

/// What a staff page shows without a session: the check under way, a failure to retry, or the
/// login form.
fn without_session(
    staff: Staff,
    me: RwSignal<Option<Result<Session, ApiError>>>,
    check: impl Fn() + Copy + Send + Sync + 'static,
) -> AnyView {
    match me.get() {
        None => view! { <Loading text=tr("正在打开…", "Opening…") /> }.into_any(),
        Some(Err(e)) if e.status != 401 => view! {
            <Failed error=e retry=move || {
                me.set(None);
                check();
            } />
        }
        .into_any(),
        Some(_) => view! { <Login staff /> }.into_any(),
    }
}

/// A staff page of the desk bundle: `render` once logged in, else the login form (the same
/// session as `/staff`).
#[component]
pub(super) fn StaffOnly(render: fn(Staff, Session) -> AnyView) -> impl IntoView {
    let staff = Staff::new();
    let (me, check) = watch_session(staff);
    check();
    view! {
        <main class="page staff-page" id="main">
            {move || match staff.session.get() {
                Some(s) => render(staff, s),
                None => without_session(staff, me, check),
            }}
        </main>
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let staff = Staff::new();
    let sheet = RwSignal::new(None::<Sheet>);
    // The phone's back button leaves the code sheet for the dashboard.
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        if !window()
            .location()
            .pathname()
            .unwrap_or_default()
            .starts_with("/staff/codes")
        {
            sheet.set(None);
        }
    });
    if window()
        .location()
        .pathname()
        .unwrap_or_default()
        .starts_with("/staff/codes")
    {
        // A reload of the sheet: the codes are gone (shown once); back to the dashboard.
        replace_url("/staff");
    }
    let (me, check) = watch_session(staff);
    check();
    view! {
        <main class="page staff-page" class:grade-page=on_grade_page() id="main">
            {move || match staff.session.get() {
                Some(_) if on_grade_page() => {
                    let circle = crate::ui::route::query_param("circle").unwrap_or_default();
                    view! { <GradePage staff circle /> }.into_any()
                }
                Some(s) => match sheet.get() {
                    Some(sh) => view! {
                        <CodeSheet sheet=sh on_back=move || {
                            let _ = window().history().and_then(|h| h.back());
                        } />
                    }
                    .into_any(),
                    None => view! { <Dashboard staff session=s sheet /> }.into_any(),
                },
                None => without_session(staff, me, check),
            }}
        </main>
    }
}

/// `/staff/grade?circle=…`: the circle's grade (`super::grade`).
fn on_grade_page() -> bool {
    window()
        .location()
        .pathname()
        .unwrap_or_default()
        .starts_with("/staff/grade")
}

fn replace_url(url: &str) {
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

fn input_value(id: &str) -> String {
    document()
        .get_element_by_id(id)
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

#[component]
fn Login(staff: Staff) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    // Why the form is shown again ("已退出登录", a session that ended), said calmly.
    let notice = staff.notice.get_untracked();
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (user, pass) = (input_value("username"), input_value("password"));
        if user.trim().is_empty() || pass.is_empty() {
            error.set(Some(
                tr("请输入用户名和密码", "Enter your user name and password").into(),
            ));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::login(user.trim(), &pass).await {
                Ok(s) => {
                    storage::set(STAFF_KEY, &s.username);
                    staff.notice.set(None);
                    staff.session.set(Some(s));
                    focus_soon("step-heading");
                }
                Err(e) => {
                    error.set(Some(e.text()));
                    focus_soon("password");
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card login-card" on:submit=on_submit novalidate>
            <h1 id="step-heading" tabindex="-1">{tr("工作人员登录", "Staff login")}</h1>
            <p class="small">{tr(
                "用于满意度调查、生活圈评级、商户入驻审核和导出数据。居民和商户不需要登录。",
                "For surveys, circle grades, reviewing shop registrations and exports. Residents and merchants never log in.",
            )}</p>
            <label class="field-label" for="username">{tr("用户名", "User name")}</label>
            <input id="username" class="field" type="text" autocomplete="username"
                autocapitalize="off" spellcheck="false" />
            <label class="field-label" for="password">{tr("密码", "Password")}</label>
            <input id="password" class="field" type="password" autocomplete="current-password" />
            {notice.map(|n| view! { <p class="notice" role="status" data-testid="login-notice">{n}</p> })}
            {move || error.get().map(|e| view! { <p class="step-error" role="alert" data-testid="login-error">{e}</p> })}
            <button class="button primary big" type="submit" data-testid="login" disabled=move || busy.get()>
                {move || if busy.get() { tr("正在登录…", "Logging in…") } else { tr("登录", "Log in") }}
            </button>
        </form>
    }
}

#[component]
fn Dashboard(staff: Staff, session: Session, sheet: RwSignal<Option<Sheet>>) -> impl IntoView {
    let circles = RwSignal::new(None);
    // (Re)reads the circles and their rounds: at first and after every change.
    let reload = move || {
        spawn_local(async move {
            let answer = api::staff_circles().await;
            if let Err(e) = &answer {
                staff.explain(e);
            }
            circles.set(Some(answer));
        });
    };
    reload();
    let logout = move |_| {
        let csrf = staff.csrf();
        spawn_local(async move {
            // Logged out here whatever the server says (its session also expires by itself).
            let _ = api::logout(&csrf).await;
            storage::remove(STAFF_KEY);
            staff
                .notice
                .set(Some(tr("已退出登录", "Logged out").into()));
            staff.session.set(None);
        });
    };
    view! {
        <header class="staff-head">
            <h1 id="step-heading" tabindex="-1">{tr("满意度调查管理", "Survey management")}</h1>
            <p class="small">
                {
                    let user = session.username.clone();
                    trf!("已登录：{user}", "Logged in: {user}")
                }
                <button class="link-button" type="button" data-testid="logout" on:click=logout>
                    {tr("退出登录", "Log out")}
                </button>
            </p>
            // The other staff pages (the desk bundle).
            <nav class="staff-nav" aria-label=tr("其他工作", "Other work")>
                <a class="button secondary" href="/staff/registrations" data-testid="nav-registrations">
                    {tr("商户入驻审核", "Review shop registrations")}
                </a>
                <a class="button secondary" href="/staff/circles" data-testid="nav-circles">
                    {tr("生活圈范围", "Circle boundaries")}
                </a>
            </nav>
        </header>
        {move || match circles.get() {
            None => view! { <Loading text=tr("正在读取生活圈…", "Loading circles…") /> }.into_any(),
            Some(Err(e)) => {
                view! {
                    <div class="state" role="alert">
                        <p>{e.text()}</p>
                        <button class="button secondary" type="button" on:click=move |_| reload()>
                            {tr("重试", "Try again")}
                        </button>
                    </div>
                }
                .into_any()
            }
            Some(Ok(list)) => list
                .into_iter()
                .map(|c| view! { <CircleCard staff circle=c reload sheet /> })
                .collect_view()
                .into_any(),
        }}
        <AddStaff staff />
    }
}

#[component]
fn CircleCard(
    staff: Staff,
    circle: StaffCircle,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    sheet: RwSignal<Option<Sheet>>,
) -> impl IntoView {
    let name = circle.name();
    let pop_line = circle.service_population.map(|p| {
        let p = group_digits(p);
        trf!("服务人口 {p} 人", "Population {p}")
    });
    let body = match circle.open_round.clone() {
        None => view! { <OpenRoundForm staff circle=circle.clone() reload /> }.into_any(),
        Some(r) => {
            view! { <RoundPanel staff circle=circle.clone() round=r reload sheet /> }.into_any()
        }
    };
    let seg = api::seg(&circle.id);
    view! {
        <section class="card circle-card" data-testid=format!("circle-{}", circle.id)>
            <h2>{name}</h2>
            {pop_line.map(|l| view! { <p class="small">{l}</p> })}
            {body}
            <p class="links">
                <a href=format!("/indicators?circle={seg}")>{tr("全部轮次的指标", "Indicators of all rounds")}</a>
                " · "
                <a href=format!("/staff/grade?circle={seg}") data-testid="grade-link">{tr("生活圈评价", "Circle grade")}</a>
            </p>
        </section>
    }
}

#[component]
fn OpenRoundForm(
    staff: Staff,
    circle: StaffCircle,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let pop_id = format!("pop-{}", circle.id);
    let open_id = format!("open-{}", circle.id);
    let (pop_id2, open_id2) = (pop_id.clone(), open_id.clone());
    let id = circle.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = input_value(&pop_id2);
        let population = match text.trim() {
            "" => None,
            t => match t.parse::<u64>() {
                Ok(p) if p > 0 => Some(p),
                _ => {
                    error.set(Some(
                        tr(
                            "服务人口请填一个大于 0 的整数",
                            "The population must be a whole number above 0",
                        )
                        .into(),
                    ));
                    return;
                }
            },
        };
        let open_mode = document()
            .get_element_by_id(&open_id2)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
            .is_some_and(|i| i.checked());
        let (csrf, id) = (staff.csrf(), id.clone());
        busy.set(true);
        spawn_local(async move {
            match api::open_round(&csrf, &id, population, open_mode).await {
                Ok(_) => reload(),
                Err(e) => error.set(Some(staff.explain(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="staff-form" on:submit=on_submit novalidate>
            <p class="state-line">{tr("现在没有进行中的调查。", "No survey running.")}</p>
            <h3>{tr("开启新一轮调查", "Open a new round")}</h3>
            <label class="field-label" for=pop_id.clone()>{tr("服务人口（人）", "Service population")}</label>
            <input id=pop_id class="field" type="number" inputmode="numeric" min="1"
                data-testid="population"
                value=circle.service_population.map(|p| p.to_string()).unwrap_or_default() />
            <p class="small">{tr("样本目标为服务人口的 3%。", "The sample target is 3% of it.")}</p>
            <label class="check">
                <input id=open_id type="checkbox" data-testid="open-mode" />
                <span>
                    <strong>{tr("开放填写", "Open mode")}</strong>
                    {tr(
                        "：不发调查码，任何人打开链接即可填，每台手机限填一次。",
                        ": no codes; anyone with the link can answer, once per phone.",
                    )}
                </span>
            </label>
            {move || error.get().map(|e| view! { <p class="step-error" role="alert">{e}</p> })}
            <button class="button primary" type="submit" data-testid="open-round" disabled=move || busy.get()>
                {tr("开启调查", "Open the survey")}
            </button>
        </form>
    }
}

#[component]
fn RoundPanel(
    staff: Staff,
    circle: StaffCircle,
    round: RoundInfo,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    sheet: RwSignal<Option<Sheet>>,
) -> impl IntoView {
    let rid = round.id;
    let codes = RwSignal::new(None);
    load(codes, api::code_counts(rid));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirm_close = RwSignal::new(false);
    let seg = api::seg(&circle.id);
    let count_id = format!("count-{rid}");
    let count_id2 = count_id.clone();
    let circle_name = circle.name();
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let count = match input_value(&count_id2).trim().parse::<u32>() {
            Ok(n) if (1..=500).contains(&n) => n,
            _ => {
                error.set(Some(
                    tr("数量请填 1 到 500", "Enter a number from 1 to 500").into(),
                ));
                return;
            }
        };
        let csrf = staff.csrf();
        let circle_name = circle_name.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::issue_codes(&csrf, rid, count).await {
                Ok(issued) => {
                    if let Ok(h) = window().history() {
                        let _ = h.push_state_with_url(&JsValue::NULL, "", Some("/staff/codes"));
                    }
                    sheet.set(Some(Sheet {
                        circle_name,
                        codes: issued.codes,
                        issued: issued.issued,
                        used: issued.used,
                    }));
                    focus_soon("step-heading");
                }
                Err(e) => error.set(Some(staff.explain(&e))),
            }
            busy.set(false);
        });
    };
    let close = move |_| {
        let csrf = staff.csrf();
        busy.set(true);
        spawn_local(async move {
            match api::close_round(&csrf, rid).await {
                Ok(_) => reload(),
                Err(e) => error.set(Some(staff.explain(&e))),
            }
            busy.set(false);
        });
    };
    let mode = if round.open_mode {
        tr("开放填写（每台手机一次）", "Open mode (once per phone)")
    } else {
        tr("凭调查码填写", "With survey codes")
    };
    let opened = round.opened_on.clone();
    let (n, target) = (round.responses, round.sample_target);
    let survey_url = format!(
        "{}/survey?circle={seg}",
        window().location().origin().unwrap_or_default()
    );
    let code_counts = move || {
        codes.get().map(|r| match r {
            Ok(c) => {
                let (i, u) = (c.issued, c.used);
                trf!(
                    "已发放调查码 {i} 个，已使用 {u} 个",
                    "Codes: {i} issued, {u} used"
                )
            }
            Err(e) => e.text(),
        })
    };
    let issue_form = (!round.open_mode).then(|| {
        view! {
            <form class="staff-form inline-form" on:submit=issue novalidate>
                <h3>{tr("发放调查码", "Issue survey codes")}</h3>
                <p class="small" data-testid="code-counts">{code_counts}</p>
                <div class="row">
                    <label class="field-label" for=count_id.clone()>{tr("数量", "How many")}</label>
                    <input id=count_id class="field short" type="number" inputmode="numeric"
                        min="1" max="500" value="8" data-testid="code-count" />
                    <button class="button primary" type="submit" data-testid="issue-codes" disabled=move || busy.get()>
                        {tr("生成并打印", "Make and print")}
                    </button>
                </div>
            </form>
        }
    });
    let open_link = round.open_mode.then(|| {
        view! {
            <p class="small">{tr("调查链接（可发到社区群、公众号）：", "Survey link (for community chats):")}</p>
            <p class="mono url-box" data-testid="survey-url">{survey_url.clone()}</p>
        }
    });
    let close_part = move || {
        if confirm_close.get() {
            view! {
                <div class="confirm" role="alertdialog" aria-labelledby=format!("confirm-{rid}")>
                    <p id=format!("confirm-{rid}")>{tr(
                        "确定结束本轮调查？结束后居民不能再提交，未用的调查码作废。",
                        "Close this round? Residents can no longer answer; unused codes stop working.",
                    )}</p>
                    <p class="actions">
                        <button class="button danger" type="button" data-testid="confirm-close" on:click=close>
                            {tr("确定结束", "Close it")}
                        </button>
                        <button class="button secondary" type="button" on:click=move |_| confirm_close.set(false)>
                            {tr("取消", "Cancel")}
                        </button>
                    </p>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button class="button secondary" type="button" data-testid="close-round"
                    on:click=move |_| confirm_close.set(true)>
                    {tr("结束本轮调查", "Close this round")}
                </button>
            }
            .into_any()
        }
    };
    view! {
        <div class="round-panel" data-testid="open-round-panel">
            <p class="state-line">
                <span class="badge badge-good">{tr("进行中", "Open")}</span>
                {trf!(" {opened} 开始 · {mode}", " since {opened} · {mode}")}
            </p>
            <p class="big-number">
                <span data-testid="staff-responses">{n}</span>
                <span class="of">{trf!(" / 目标 {target} 份", " / target {target}")}</span>
            </p>
            <SampleBar responses=n target />
            {open_link}
            {issue_form}
            {move || error.get().map(|e| view! { <p class="step-error" role="alert">{e}</p> })}
            <p class="links">
                <a href=format!("/indicators?circle={seg}&round={rid}") data-testid="indicators-link">
                    {tr("查看指标页", "Indicator page")}
                </a>
                <a href=api::csv_url(&circle.id, "responses", rid) download="">{tr("下载原始答卷 CSV", "Raw answers CSV")}</a>
                <a href=api::csv_url(&circle.id, "indicators", rid) download="">{tr("下载指标 CSV", "Indicators CSV")}</a>
            </p>
            {close_part}
        </div>
    }
}

#[component]
fn AddStaff(staff: Staff) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (user, pass) = (input_value("new-username"), input_value("new-password"));
        let user = user.trim().to_string();
        if user.chars().count() < 2 {
            message.set(Some((
                false,
                tr(
                    "用户名至少 2 个字符",
                    "The user name needs 2 characters or more",
                )
                .into(),
            )));
            return;
        }
        if pass.chars().count() < 10 {
            message.set(Some((
                false,
                tr("密码至少 10 位", "The password needs 10 characters or more").into(),
            )));
            return;
        }
        let csrf = staff.csrf();
        busy.set(true);
        spawn_local(async move {
            match api::add_staff(&csrf, &user, &pass).await {
                Ok(()) => {
                    message.set(Some((
                        true,
                        trf!("已添加工作人员 {user}", "Staff account {user} added"),
                    )));
                    for id in ["new-username", "new-password"] {
                        if let Some(i) = document().get_element_by_id(id).and_then(|e| {
                            wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok()
                        }) {
                            i.set_value("");
                        }
                    }
                }
                Err(e) => message.set(Some((false, staff.explain(&e)))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card">
            <form class="staff-form" on:submit=on_submit novalidate>
                <h2>{tr("添加工作人员", "Add a staff account")}</h2>
                <label class="field-label" for="new-username">{tr("用户名", "User name")}</label>
                <input id="new-username" class="field" type="text" autocomplete="off"
                    autocapitalize="off" spellcheck="false" />
                <label class="field-label" for="new-password">{tr("密码（至少 10 位）", "Password (10 characters or more)")}</label>
                <input id="new-password" class="field" type="password" autocomplete="new-password" minlength="10" />
                {move || message.get().map(|(ok, m)| {
                    if ok {
                        view! { <p class="ok-note" role="status">{m}</p> }.into_any()
                    } else {
                        view! { <p class="step-error" role="alert">{m}</p> }.into_any()
                    }
                })}
                <button class="button secondary" type="submit" disabled=move || busy.get()>
                    {tr("添加", "Add")}
                </button>
            </form>
        </section>
    }
}
