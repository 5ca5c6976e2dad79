//! The dock: the panels beside the cluster and the logs, behind a strip of
//! tabs, one shown at a time. The first screen keeps what Raft is about
//! (the drawing and every node's log); the expert controls stay one click
//! away, and opening one never moves another.
//!
//! Adding a panel is one row in [`TABS`] and one arm in [`panel`]. Every
//! panel stays mounted while hidden, so its form keeps what was typed.

use leptos::prelude::*;

use super::chrome::Legend;
use super::inspector::Inspector;
use super::network::NetworkPanel;
use super::settings::Settings;
use super::state::{ClientPanel, StateMachines};
use crate::driver::{Selection, Ui};
use crate::i18n::K;

/// One tab of the dock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The selected node, message or link.
    Inspector,
    /// The user's own client commands.
    Client,
    /// Latency, loss, partitions, messages in flight, adding nodes.
    Network,
    /// Each node's key-value store.
    State,
    /// Timeouts, seed, bug switches.
    Settings,
    /// Every symbol of the drawing and the logs.
    Legend,
}

/// The tabs in order: the tab, its id (in `data-testid="dock-tab-{id}"`
/// and the element ids) and its label.
pub const TABS: [(Tab, &str, K); 6] = [
    (Tab::Client, "client", K::ClientHeading),
    (Tab::Inspector, "inspector", K::InspectorHeading),
    (Tab::Network, "network", K::NetworkTab),
    (Tab::State, "state", K::KvTab),
    (Tab::Settings, "settings", K::SettingsHeading),
    (Tab::Legend, "legend", K::LegendHeading),
];

/// The panel behind `tab`.
fn panel(tab: Tab, ui: Ui) -> AnyView {
    match tab {
        Tab::Inspector => view! { <Inspector ui=ui /> }.into_any(),
        Tab::Client => view! { <ClientPanel ui=ui /> }.into_any(),
        Tab::Network => view! { <NetworkPanel ui=ui /> }.into_any(),
        Tab::State => view! { <StateMachines ui=ui /> }.into_any(),
        Tab::Settings => view! { <Settings ui=ui /> }.into_any(),
        Tab::Legend => view! { <Legend ui=ui /> }.into_any(),
    }
}

/// Where a new selection leads: to the inspector, except a node or a link
/// picked from the network tab, where a person is setting up faults and
/// would lose their place (the inspector's tab is marked instead). A
/// message is picked to act on it, so it always opens the inspector.
pub fn after_selection(active: Tab, sel: Selection) -> Option<Tab> {
    let keep = match sel {
        Selection::None => true,
        Selection::Message(_) => active == Tab::Inspector,
        Selection::Node(_) | Selection::Link(..) => matches!(active, Tab::Inspector | Tab::Network),
    };
    (!keep).then_some(Tab::Inspector)
}

/// The tab strip and its panels.
#[component]
pub fn Dock(ui: Ui) -> impl IntoView {
    let lang = ui.lang;
    let active = RwSignal::new(Tab::Client);
    // The tab a selection left, to go back to when the selection is cleared.
    let left = StoredValue::new(None::<Tab>);
    Effect::new(move |prev: Option<Selection>| {
        let sel = ui.selection.get();
        if prev.is_some() {
            let now = active.get_untracked();
            if let Some(to) = after_selection(now, sel) {
                left.set_value(Some(now));
                active.set(to);
            } else if sel == Selection::None && now == Tab::Inspector {
                if let Some(back) = left.get_value() {
                    left.set_value(None);
                    active.set(back);
                }
            }
        }
        sel
    });
    let pending = move || ui.selection.get() != Selection::None && active.get() != Tab::Inspector;
    // During a tour the panels recede behind their tabs until one is asked for.
    let peek = RwSignal::new(false);
    Effect::new(move |_| {
        ui.tour
            .with(|t| t.as_ref().map(|t| t.tour))
            .is_some()
            .then(|| peek.set(false));
    });
    let strip = NodeRef::<leptos::html::Div>::new();
    // Arrow keys move along the strip (the ARIA tabs pattern).
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let step: isize = match ev.key().as_str() {
            "ArrowRight" => 1,
            "ArrowLeft" => -1,
            _ => return,
        };
        ev.prevent_default();
        ev.stop_propagation();
        let i = TABS
            .iter()
            .position(|t| t.0 == active.get_untracked())
            .unwrap_or(0);
        let j = (i as isize + step).rem_euclid(TABS.len() as isize) as usize;
        active.set(TABS[j].0);
        peek.set(true);
        if let Some(el) = strip.get_untracked() {
            if let Ok(Some(b)) = el.query_selector(&format!("#dock-tab-{}", TABS[j].1)) {
                if let Ok(b) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b) {
                    let _ = b.focus();
                }
            }
        }
    };
    view! {
        <section class=move || if peek.get() { "dock peek" } else { "dock" } data-testid="dock" aria-label=move || lang.get().t(K::DockLabel)>
            <div class="dock-tabs" role="tablist" node_ref=strip on:keydown=on_key
                aria-label=move || lang.get().t(K::DockLabel)>
                {TABS.iter().map(|&(tab, id, label)| {
                    let on = move || active.get() == tab;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=format!("dock-tab-{id}")
                            data-testid=format!("dock-tab-{id}")
                            aria-selected=move || on().to_string()
                            aria-controls=format!("dock-{id}")
                            tabindex=move || if on() { "0" } else { "-1" }
                            class=move || if tab == Tab::Inspector && pending() { "dock-tab pending" } else { "dock-tab" }
                            on:click=move |_| {
                                active.set(tab);
                                peek.set(true);
                            }
                        >
                            {move || lang.get().t(label)}
                        </button>
                    }
                }).collect_view()}
            </div>
            {TABS.iter().map(|&(tab, id, _)| view! {
                <div
                    class="dock-panel"
                    role="tabpanel"
                    id=format!("dock-{id}")
                    aria-labelledby=format!("dock-tab-{id}")
                    hidden=move || active.get() != tab
                >
                    {panel(tab, ui)}
                </div>
            }).collect_view()}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selecting_opens_the_inspector_except_over_the_network_tools() {
        let node = Selection::Node(raftlab_core::NodeId(2));
        let msg = Selection::Message(raftlab_sim::MsgId(7));
        assert_eq!(after_selection(Tab::Client, node), Some(Tab::Inspector));
        assert_eq!(after_selection(Tab::Legend, node), Some(Tab::Inspector));
        assert_eq!(after_selection(Tab::Network, node), None);
        assert_eq!(after_selection(Tab::Network, msg), Some(Tab::Inspector));
        assert_eq!(after_selection(Tab::Inspector, node), None);
        assert_eq!(after_selection(Tab::Client, Selection::None), None);
    }

    #[test]
    fn every_tab_has_its_own_id() {
        let mut ids: Vec<&str> = TABS.iter().map(|t| t.1).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), TABS.len());
    }
}
