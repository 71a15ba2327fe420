/**
 * How the API answers where Vultr's documentation is silent or sources disagree. Each can be set
 * when starting the emulator and changed later through the control plane.
 */
export interface ApiBehaviour {
  /**
   * The status of a successful PATCH /users/{id}: the 2026 spec says 204, the 2026 how-to pages
   * say 202 Accepted. Either way the body is empty.
   * @default 204
   */
  patchStatus: 204 | 202;
  /**
   * GET /users/{id}/apikeys shows each key as asterisks and its last 5 characters, as the spec's
   * example does; false shows keys in clear text.
   * @default true
   */
  maskApiKeys: boolean;
  /**
   * POST /users/{id}/ip-whitelist refuses ranges overlapping any non-public block (private,
   * loopback, documentation, CGNAT, multicast, reserved, ...) with 400 naming the block.
   * @default true
   */
  allowlistPublicOnly: boolean;
  /** Entries a user's allowlist may hold (the two "any" defaults included); one more is a 400. @default 50 */
  allowlistMaxEntries: number;
  /**
   * A subnet with host bits set (`8.8.8.5/24`): `"reject"` answers 400, `"mask"` stores the
   * network (`8.8.8.0/24`).
   * @default "reject"
   */
  allowlistHostBits: "reject" | "mask";
  /**
   * DELETE /users/{id}/ip-whitelist of an entry the user does not have: 404
   * `{"error":"IP whitelist entry not found.","status":404}`, or 204 as if removed.
   * @default 404
   */
  allowlistAbsentRemoveStatus: 404 | 204;
  /**
   * What POST /users/{id}/apikeys answers: `"key"`, 202 with the new key in clear text, as
   * docs.vultr.com's key management pages say; `"empty"`, 202 with no body, as the 2026 spec
   * declares. The key is made either way.
   * @default "key"
   */
  createKeyAnswer: "key" | "empty";
  /**
   * The longest key name POST /users/{id}/apikeys takes (Vultr documents none); a longer one is
   * a 400. 0: no limit.
   * @default 64
   */
  apiKeyNameMaxLength: number;
  /**
   * Keys a user may hold (Vultr documents no limit); creating one more is a 400. Keys given
   * through the control plane or seeding are not limited. 0: no limit.
   * @default 10
   */
  apiKeysPerUser: number;
}
