//! Log entries and the application's command type.

use crate::ids::{LogIndex, Term};
use crate::membership::ConfChange;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;

/// What the application replicates. A trait alias with a blanket impl: any cloneable,
/// comparable, serializable type is a command.
pub trait Command: Clone + Debug + PartialEq + Serialize + DeserializeOwned + 'static {}

impl<T: Clone + Debug + PartialEq + Serialize + DeserializeOwned + 'static> Command for T {}

/// One slot of the replicated log (paper §5.3): the term it was created in, its position and payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry<C> {
    /// The leader's term when the entry was created.
    pub term: Term,
    /// Its position in the log.
    pub index: LogIndex,
    /// What it carries.
    pub payload: EntryPayload<C>,
}

/// What an entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryPayload<C> {
    /// The entry every new leader appends so it can commit something of its own term
    /// (paper §5.4.2, §8).
    Noop,
    /// An application command.
    Command(C),
    /// A membership change (paper §6, thesis §4).
    ConfChange(ConfChange),
}

impl<C> Entry<C> {
    /// The configuration change carried by this entry, if any.
    pub fn conf_change(&self) -> Option<&ConfChange> {
        match &self.payload {
            EntryPayload::ConfChange(cc) => Some(cc),
            _ => None,
        }
    }
}
