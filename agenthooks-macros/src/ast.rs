//! Typed views of the items the macros annotate. Each keeps the user's
//! syntax nodes so that generated code and errors carry their spans.

use proc_macro2::{Group, Span};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, GenericArgument, Ident, Pat, Path, PathArguments, ReturnType, Signature, Type};

use crate::errors::{both, Errors};
use crate::item::RawFn;
use crate::valid;

/// Whether a hook may change the arguments.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `&mut Ctx<P>`.
    Interceptor,
    /// `&Ctx<P>`.
    Observer,
}

/// A function under `#[hook]`.
pub(crate) struct Hook {
    pub(crate) item: RawFn,
    pub(crate) kind: Kind,
    /// The type the context argument refers to: `Ctx<P>` in `&mut Ctx<P>`.
    pub(crate) context: Type,
    /// Where errors about the return value point: the return type, or the
    /// name of a function that declares none.
    pub(crate) ret_span: Span,
}

impl Hook {
    /// The view of a hook function of `point`, once its signature is
    /// checked.
    pub(crate) fn new(mut item: RawFn, point: Option<&Path>) -> syn::Result<Self> {
        let reference = valid::hook_function(&item, point)?;
        let kind = if reference.mutability.is_some() { Kind::Interceptor } else { Kind::Observer };
        let context = (*reference.elem).clone();
        // One written before `#[hook]`, which the compiler reports.
        take_redact(&mut item.attrs);
        let ret_span = match &item.sig.output {
            ReturnType::Default => item.sig.ident.span(),
            ReturnType::Type(_, ty) => ty.span(),
        };
        Ok(Hook { item, kind, context, ret_span })
    }

    /// Whether the hook is an `async fn`.
    pub(crate) fn is_async(&self) -> bool {
        self.item.sig.asyncness.is_some()
    }
}

/// A function or method under `#[hookpoint]`, its arguments sorted into the
/// session and the fields of the context struct.
pub(crate) struct PointFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: syn::Visibility,
    /// The context structs' visibility: the function's, or `pub` for a
    /// method of a trait impl, which is as visible as its trait.
    pub(crate) context_vis: syn::Visibility,
    /// The signature with `#[redact]` and `mut` taken off the arguments.
    pub(crate) sig: Signature,
    /// The body, as raw tokens in its braces.
    pub(crate) body: Group,
    /// The `&Session` argument.
    pub(crate) session: Ident,
    pub(crate) args: Vec<Arg>,
    /// The declared return type.
    pub(crate) ret: Type,
    /// `#[non_exhaustive]` on the function, which goes on its context
    /// structs instead: other crates can then neither build them nor
    /// destructure them whole, so an argument added later breaks no hook.
    pub(crate) non_exhaustive: Option<Attribute>,
}

/// One argument of a hook point: a field of its context struct.
pub(crate) struct Arg {
    pub(crate) ident: Ident,
    pub(crate) mutable: bool,
    pub(crate) ty: Type,
    pub(crate) redact: bool,
    /// Marked `#[key]`: hooks may match on it (`#[hook(Point, tool = "fs_*")]`).
    pub(crate) key: bool,
}

impl PointFn {
    /// The view of a hook point's function; `in_agent` says it is a method
    /// of an `#[agent]` impl block, which may take `self`.
    pub(crate) fn new(item: RawFn, in_agent: bool) -> syn::Result<Self> {
        let RawFn { mut attrs, vis, mut sig, body, .. } = item;
        // A declaration without a body is a trait's method: that alone is
        // the mistake.
        let body = body.ok_or_else(|| valid::point_without_body(&sig))?;
        let mut errors = Errors::default();
        valid::point_attrs(&attrs, &mut errors);
        // One written before `#[hookpoint]`, which the compiler reports.
        take_redact(&mut attrs);
        let non_exhaustive = take_attr(&mut attrs, "non_exhaustive");
        valid::point_signature(&sig, in_agent, &mut errors);
        let ret = valid::point_return(&sig);
        let mut session = None;
        let mut args = Vec::new();
        for input in &mut sig.inputs {
            let FnArg::Typed(typed) = input else { continue };
            let redact = take_redact(&mut typed.attrs);
            let key = take_attr(&mut typed.attrs, "key");
            match (valid::session_type(&typed.ty), &session) {
                (Some(session_type), None) => {
                    if let Some(redact) = redact {
                        errors.push(valid::redacted_session(&redact));
                    }
                    if let Some(key) = key {
                        errors.push(valid::keyed_session(&key));
                    }
                    session = Some(valid::session_arg(&typed.pat, &session_type));
                }
                (Some(_), Some(_)) => errors.push(valid::second_session(&typed.pat)),
                (None, _) => {
                    let redact = redact.is_some();
                    if let Some(key) = key.as_ref().filter(|_| args.len() >= valid::MAX_KEY_POSITION) {
                        errors.push(valid::key_too_late(key));
                    }
                    if let Some((ident, mutable)) = errors.check(valid::point_arg(&typed.pat, &typed.ty)) {
                        args.push(Arg { ident, mutable, ty: (*typed.ty).clone(), redact, key: key.is_some() });
                    }
                }
            }
            if let Pat::Ident(pat) = &mut *typed.pat {
                pat.mutability = None;
            }
        }
        let session = session.unwrap_or_else(|| Err(valid::missing_session(&sig)));
        let (session, ret) = errors.finish(both(session, ret))?;
        Ok(PointFn { attrs, context_vis: vis.clone(), vis, sig, body, session, args, ret, non_exhaustive })
    }

    /// Whether the point is declared on an `async fn`.
    pub(crate) fn is_async(&self) -> bool {
        self.sig.asyncness.is_some()
    }

    /// `E` when the return type is written `Result<T, E>`: the type that
    /// must carry a `HookError`, named so that an error can point at it.
    pub(crate) fn error_type(&self) -> Option<&Type> {
        self.result_types().map(|(_, error)| error)
    }

    /// `T` and `E` when the return type is written `Result<T, E>`.
    pub(crate) fn result_types(&self) -> Option<(&Type, &Type)> {
        let Type::Path(path) = &self.ret else { return None };
        let segment = path.path.segments.last().filter(|segment| segment.ident == "Result")?;
        let PathArguments::AngleBracketed(args) = &segment.arguments else { return None };
        let mut types = args.args.iter().filter_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        });
        match (types.next(), types.next(), types.next()) {
            (Some(value), Some(error), None) => Some((value, error)),
            _ => None,
        }
    }
}

/// Removes `#[redact]` from `attrs`; returns the first one there was.
pub(crate) fn take_redact(attrs: &mut Vec<Attribute>) -> Option<Attribute> {
    take_attr(attrs, "redact")
}

/// Removes every `#[name]` from `attrs`; returns the first one there was.
pub(crate) fn take_attr(attrs: &mut Vec<Attribute>, name: &str) -> Option<Attribute> {
    let is_name = |attr: &Attribute| attr.path().is_ident(name);
    let position = attrs.iter().position(is_name)?;
    let first = attrs.remove(position);
    attrs.retain(|attr| !is_name(attr));
    Some(first)
}

/// Whether `attr` is `#[redact]`.
pub(crate) fn is_redact(attr: &Attribute) -> bool {
    attr.path().is_ident("redact")
}

/// Whether `attr` is `#[hookpoint(...)]`, by any path.
pub(crate) fn is_hookpoint(attr: &Attribute) -> bool {
    attr.path().segments.last().is_some_and(|segment| segment.ident == "hookpoint")
}
