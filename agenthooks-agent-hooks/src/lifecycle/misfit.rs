//! A permitted target that does not fit the typed field of the lifecycle
//! point it came from, and the checks that find one.

use serde_json::{Map, Value};

/// A target the combined verdict permits that the typed lifecycle field
/// cannot hold: the transform is refused as the contract refuses one that
/// does not fit the target (`host_error:transform_invalid`), and the
/// lifecycle call fails closed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Misfit {
    /// A value has another JSON type than the typed field takes.
    #[error(
        "host_error:transform_invalid: `{path}` must be {expected} at `{point}`; transform it to a value of that type"
    )]
    WrongType {
        /// The lifecycle point.
        point: &'static str,
        /// Where in the contract context, e.g. `target.content`.
        path: String,
        /// What the typed field takes, e.g. `a string`.
        expected: &'static str,
    },
    /// A member the typed value has no field for: it would be lost.
    #[error("host_error:transform_invalid: `{path}` has no field `{member}` at `{point}`; the typed value would lose it, so transform only {allowed}")]
    UnknownMember {
        /// The lifecycle point.
        point: &'static str,
        /// The object that carries the member.
        path: String,
        /// The member.
        member: String,
        /// The members the typed value has.
        allowed: String,
    },
    /// A member the typed point fixes, changed.
    #[error("host_error:transform_invalid: `{path}` cannot change at `{point}`: the typed point does not carry it")]
    Fixed {
        /// The lifecycle point.
        point: &'static str,
        /// The member.
        path: String,
    },
}

/// The object at `path` whose members are all `allowed`.
pub(crate) fn object<'v>(
    point: &'static str,
    path: &str,
    value: &'v Value,
    allowed: &[&str],
) -> Result<&'v Map<String, Value>, Misfit> {
    let Value::Object(object) = value else {
        return Err(Misfit::WrongType { point, path: path.to_owned(), expected: "an object" });
    };
    if let Some(member) = object.keys().find(|member| !allowed.contains(&member.as_str())) {
        let allowed = allowed.iter().map(|member| format!("`{member}`")).collect::<Vec<_>>().join(", ");
        return Err(Misfit::UnknownMember { point, path: path.to_owned(), member: member.clone(), allowed });
    }
    Ok(object)
}

/// The string at `path`.
pub(crate) fn string(point: &'static str, path: &str, value: Option<&Value>) -> Result<String, Misfit> {
    match value {
        Some(Value::String(text)) => Ok(text.clone()),
        _ => Err(Misfit::WrongType { point, path: path.to_owned(), expected: "a string" }),
    }
}

/// The array at `path`.
pub(crate) fn array<'v>(point: &'static str, path: &str, value: Option<&'v Value>) -> Result<&'v [Value], Misfit> {
    match value {
        Some(Value::Array(items)) => Ok(items),
        _ => Err(Misfit::WrongType { point, path: path.to_owned(), expected: "an array" }),
    }
}

/// `value` read as `T`, once its members were checked.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(
    point: &'static str,
    path: &str,
    value: Value,
    expected: &'static str,
) -> Result<T, Misfit> {
    serde_json::from_value(value).map_err(|_| Misfit::WrongType { point, path: path.to_owned(), expected })
}
