//! `#[agent]`: expands the `#[hookpoint]` methods of an impl block and puts
//! their context structs beside it.

use proc_macro2::TokenStream;
use quote::quote;
use syn::FnArg;

use super::point::expand;
use super::{parse_item, recover, strip_redact};
use crate::ast::{is_hookpoint, is_redact, PointFn};
use crate::attr::PointArgs;
use crate::errors::Errors;
use crate::item::{ImplEntry, RawFn, RawImpl};
use crate::valid;

/// `#[agent]` on the impl block `input`; `args` must be empty.
pub(crate) fn agent(args: &TokenStream, input: TokenStream) -> TokenStream {
    let mut item: RawImpl =
        match parse_item(input, "`#[agent]` goes on an `impl` block whose methods carry `#[hookpoint(...)]`") {
            Ok(item) => item,
            Err(tokens) => return tokens,
        };
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.push(syn::Error::new_spanned(
            args,
            "`#[agent]` takes no arguments: name each point in its method's `#[hookpoint(Name)]`",
        ));
    }
    // A trait's method is as visible as the trait, and carries no
    // visibility of its own: its context structs are `pub`, so that hook
    // crates can name them wherever the trait reaches.
    let in_trait_impl = item.trait_.is_some();
    let mut generated = TokenStream::new();
    let mut found = false;
    for entry in &mut item.items {
        let ImplEntry::Fn(method) = entry else { continue };
        let Some(position) = method.attrs.iter().position(is_hookpoint) else {
            report_stray_redact(method, &mut errors);
            continue;
        };
        found = true;
        let attr = method.attrs.remove(position);
        let args = errors.check(attr.parse_args::<PointArgs>());
        let point = errors.check(PointFn::new((**method).clone(), true)).map(|mut point| {
            if in_trait_impl {
                point.context_vis = syn::parse_quote!(pub);
            }
            point
        });
        let expanded = match (args, point) {
            (Some(args), Some(point)) => errors.check(expand(&args, &point)),
            _ => None,
        };
        if let Some((function, items)) = expanded {
            *entry = ImplEntry::Other(function);
            generated.extend(items);
        } else {
            recover(method);
        }
    }
    if !found {
        errors.push(syn::Error::new_spanned(
            &item.self_ty,
            "`#[agent]` found no method marked `#[hookpoint(Name)]` in this impl block: mark one, or remove `#[agent]`",
        ));
    }
    quote!(#item #generated #errors)
}

/// Reports and takes off each `#[redact]` of a method that is no hook
/// point, and of its arguments.
fn report_stray_redact(method: &mut RawFn, errors: &mut Errors) {
    let arg_attrs = method.sig.inputs.iter().flat_map(|input| match input {
        FnArg::Typed(typed) => typed.attrs.as_slice(),
        FnArg::Receiver(receiver) => receiver.attrs.as_slice(),
    });
    for attr in method.attrs.iter().chain(arg_attrs).filter(|attr| is_redact(attr)) {
        errors.push(valid::stray_redact(attr));
    }
    strip_redact(method);
}
