//! The staff's review of registrations. (Being built.)

use super::staff::StaffOnly;
use leptos::prelude::*;

#[component]
pub fn ReviewPage() -> impl IntoView {
    view! { <StaffOnly render=|_, _| ().into_any() /> }
}
