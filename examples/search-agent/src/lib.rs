//! An example agent: searches a small document index and answers from what
//! it found. Its two methods are hook points its customers can hook into.

use agenthooks::{agent, HookError, Session};

/// A document of the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    /// The document's title.
    pub title: String,
    /// Where the document's data lives, e.g. `EU`.
    pub region: String,
}

/// Restrictions on a search. `Serialize`, so that an approval can be bound
/// to the exact search it was granted for.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Filters {
    /// Only documents of this region.
    pub region: Option<String>,
    /// At most this many documents.
    pub max_results: usize,
}

/// Why the agent could not answer.
#[derive(Clone, Debug, thiserror::Error)]
pub enum AgentError {
    /// A customer's hook stopped the call.
    #[error(transparent)]
    Hook(#[from] HookError),
}

/// The agent: an index of documents.
#[derive(Debug)]
pub struct SearchAgent {
    index: Vec<Doc>,
}

impl SearchAgent {
    /// An agent over `index`.
    pub fn new(index: Vec<Doc>) -> Self {
        SearchAgent { index }
    }

    /// An agent over a few demonstration documents.
    pub fn demo() -> Self {
        let doc = |title: &str, region: &str| Doc { title: title.into(), region: region.into() };
        SearchAgent::new(vec![
            doc("rust ownership guide", "EU"),
            doc("rust async primer", "US"),
            doc("rust error handling", "EU"),
            doc("globex market report", "US"),
            doc("confidential roadmap 2027", "EU"),
        ])
    }
}

#[agent]
impl SearchAgent {
    /// Customers may rewrite the query and add filters.
    #[hookpoint(BeforeSearch)]
    pub async fn search(&self, session: &Session, query: String, filters: Filters) -> Result<Vec<Doc>, AgentError> {
        let words: Vec<&str> = query.split_whitespace().collect();
        Ok(self
            .index
            .iter()
            .filter(|doc| words.iter().any(|word| doc.title.contains(word)))
            .filter(|doc| filters.region.as_ref().is_none_or(|region| &doc.region == region))
            .take(filters.max_results)
            .cloned()
            .collect())
    }

    /// Customers may rewrite the answer before it is made, and the answer
    /// as made (`AfterAnswer`); the user's e-mail never leaves the call (it is
    /// redacted from every audit record and span).
    #[hookpoint(BeforeAnswer, after = AfterAnswer)]
    pub fn answer(&self, session: &Session, text: String, #[redact] user_email: String) -> Result<String, AgentError> {
        let _ = user_email;
        Ok(text)
    }
}
