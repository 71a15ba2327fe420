/**
 * The provider object that `UserApiAccess` hands to Pulumi, which serializes it into the state
 * of EVERY resource (`__provider`). It is a thin shim: each handler loads the implementation
 * from the installed package at run time, so
 * - the serialized text stays small (a client captured by value would be stored k times),
 * - it captures nothing secret (the key is read inside the provider process),
 * - refresh and destroy, which run the text stored in state, use the installed code.
 *
 * `require` is never captured by Pulumi's closure serializer; the provider host resolves it
 * from the program's directory, where the package is installed.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call */
import type * as dynamic from "@pulumi/pulumi/dynamic";

export const providerShim: dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-vultr-user-access/provider").handlers.configure(req),
  check: (olds, news) => require("pulumi-vultr-user-access/provider").handlers.check(olds, news),
  diff: (id, olds, news) =>
    require("pulumi-vultr-user-access/provider").handlers.diff(id, olds, news),
  create: (inputs) => require("pulumi-vultr-user-access/provider").handlers.create(inputs),
  read: (id, props) => require("pulumi-vultr-user-access/provider").handlers.read(id, props),
  update: (id, olds, news) =>
    require("pulumi-vultr-user-access/provider").handlers.update(id, olds, news),
  delete: (id, props) => require("pulumi-vultr-user-access/provider").handlers.delete(id, props),
};

/** The same thin shim for `ApiAccessPolicy`, loading the policy's handlers. */
export const policyShim: dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-vultr-user-access/provider").policyHandlers.configure(req),
  check: (olds, news) =>
    require("pulumi-vultr-user-access/provider").policyHandlers.check(olds, news),
  diff: (id, olds, news) =>
    require("pulumi-vultr-user-access/provider").policyHandlers.diff(id, olds, news),
  create: (inputs) => require("pulumi-vultr-user-access/provider").policyHandlers.create(inputs),
  read: (id, props) => require("pulumi-vultr-user-access/provider").policyHandlers.read(id, props),
  update: (id, olds, news) =>
    require("pulumi-vultr-user-access/provider").policyHandlers.update(id, olds, news),
  delete: (id, props) =>
    require("pulumi-vultr-user-access/provider").policyHandlers.delete(id, props),
};

/** The same thin shim for `UserApiKey`, loading the key's handlers. */
export const keyShim: dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-vultr-user-access/provider").keyHandlers.configure(req),
  check: (olds, news) => require("pulumi-vultr-user-access/provider").keyHandlers.check(olds, news),
  diff: (id, olds, news) =>
    require("pulumi-vultr-user-access/provider").keyHandlers.diff(id, olds, news),
  create: (inputs) => require("pulumi-vultr-user-access/provider").keyHandlers.create(inputs),
  read: (id, props) => require("pulumi-vultr-user-access/provider").keyHandlers.read(id, props),
  update: (id, olds, news) =>
    require("pulumi-vultr-user-access/provider").keyHandlers.update(id, olds, news),
  delete: (id, props) => require("pulumi-vultr-user-access/provider").keyHandlers.delete(id, props),
};
