//! One call as a Cedar request: principal, action, resource, context, and
//! the entities the principal belongs to.

use std::str::FromStr;
use std::sync::LazyLock;

use agenthooks::Session;
use cedar_policy::{Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, Request};
use serde::Serialize;
use serde_json::Value;

use crate::RequestError;

/// The entity type of the principal: one per session.
pub const SESSION_TYPE: &str = "Session";
/// The entity type of a tenant, the parent of its sessions' principals.
pub const TENANT_TYPE: &str = "Tenant";
/// The entity type of an action: one per hook point, named as the point.
pub const ACTION_TYPE: &str = "Action";

/// Indices into [`OWN_TYPES`].
const SESSION: usize = 0;
const TENANT: usize = 1;
const ACTION: usize = 2;

/// What a call acts on, as the policies see it: `Tool::"shell"` is
/// `Resource::new("Tool", "shell")`. The hook names it from the point's key
/// field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resource<'a> {
    type_name: &'a str,
    id: &'a str,
}

impl<'a> Resource<'a> {
    /// The resource `type_name::"id"`; `type_name` is a Cedar entity type
    /// name (`Tool`, or with a namespace, `Files::Folder`).
    pub fn new(type_name: &'a str, id: &'a str) -> Self {
        Resource { type_name, id }
    }
}

/// The request for one call, and the entities it needs: the principal,
/// `Session::"<session id>"`, child of `Tenant::"<tenant id>"` when the
/// session has a tenant.
pub(crate) fn build<C: Serialize + ?Sized>(
    session: &Session,
    action: &str,
    resource: Resource<'_>,
    context: &C,
) -> Result<(Request, Entities), RequestError> {
    let resource_type = EntityTypeName::from_str(resource.type_name)
        .map_err(|_| RequestError::ResourceType { type_name: resource.type_name.to_owned() })?;
    let principal = uid(SESSION, session.session_id());
    let tenant = session.tenant_id().map(|tenant| uid(TENANT, tenant));
    let entities =
        Entities::from_entities([Entity::new_no_attrs(principal.clone(), tenant.into_iter().collect())], None)
            .map_err(|error| RequestError::Principal(Box::new(error)))?;
    let context =
        Context::from_json_value(context_record(serde_json::to_value(context).map_err(RequestError::Serialize)?), None)
            .map_err(|error| RequestError::Context(Box::new(error)))?;
    let request = Request::new(
        principal,
        uid(ACTION, action),
        EntityUid::from_type_name_and_id(resource_type, EntityId::new(resource.id)),
        context,
        None,
    )
    .expect("without a schema, a request is never invalid");
    Ok((request, entities))
}

/// The crate's own entity types, parsed once: Cedar parses a type name with
/// its policy grammar.
static OWN_TYPES: LazyLock<[EntityTypeName; 3]> = LazyLock::new(|| {
    [SESSION_TYPE, TENANT_TYPE, ACTION_TYPE]
        .map(|name| EntityTypeName::from_str(name).expect("the crate's own type names are valid"))
});

/// The entity `OWN_TYPES[type_index]::"id"`.
fn uid(type_index: usize, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(OWN_TYPES[type_index].clone(), EntityId::new(id))
}

/// The context record of `value`: a `null` context (`&()`) is the empty
/// record; otherwise [`without_nulls`].
fn context_record(value: Value) -> Value {
    if value.is_null() {
        Value::Object(serde_json::Map::new())
    } else {
        without_nulls(value)
    }
}

/// `value` without the members of its records that are `null`: Cedar has no
/// null, and a `None` field then reads as an absent attribute (`has` is
/// false).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key, without_nulls(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_members_are_left_out_at_every_depth_and_no_context_is_the_empty_record() {
        let value = serde_json::json!({"a": null, "b": {"c": null, "d": 1}, "e": [{"f": null}]});
        assert_eq!(without_nulls(value), serde_json::json!({"b": {"d": 1}, "e": [{}]}));
        assert_eq!(context_record(serde_json::Value::Null), serde_json::json!({}));
    }

    #[test]
    fn an_invalid_resource_type_is_a_typed_error() {
        let session = Session::new("s-1");
        let error =
            build(&session, "before_tool_call", Resource::new("not a type", "x"), &serde_json::json!({})).unwrap_err();
        assert!(matches!(error, RequestError::ResourceType { type_name } if type_name == "not a type"));
    }

    #[test]
    fn a_context_that_is_not_a_record_is_a_typed_error() {
        let session = Session::new("s-1");
        let error = build(&session, "before_tool_call", Resource::new("Tool", "x"), &42).unwrap_err();
        assert!(matches!(error, RequestError::Context(_)), "{error:?}");
    }
}
