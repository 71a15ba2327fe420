/**
 * The dynamic-provider front door: the only file that knows `@pulumi/pulumi/dynamic`. The SDK's
 * shim (`../sdk/provider-shim.ts`), serialized into every resource's state, calls these objects
 * (`require("pulumi-vultr-user-access/provider").handlers.<method>`, `.policyHandlers.<method>`,
 * `.keyHandlers.<method>`);
 * each adapts one resource's plain handlers (`./engine/outcomes`) to the dynamic-provider
 * interface: what the SDK passes as hidden inputs (the URN, whether this is a preview) becomes
 * the step's context, every step runs in `handle`, and a create that failed after writing keeps
 * the serialized provider beside its outputs, as delete needs it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { setConfig } from "./account/runtime";
import { apiAccessPolicy } from "./api-access-policy";
import { initFailureOf } from "./engine/handler-support";
import { handle } from "./engine/handler-support";
import { notePass } from "./engine/messages";
import type { Props, ResourceHandlers, StepContext } from "./engine/outcomes";
import { urnOf } from "./engine/urn";
import { userApiKey } from "./user-api-key";
import { userApiAccess } from "./user-api-access";

/** Every method present: the host and the tests call each one. */
export type DynamicHandlers = Required<dynamic.ResourceProvider>;

/** The step as the SDK describes it in the inputs (`__urn`); read and delete get none. */
function stepOf(news: Props): StepContext {
  return { urn: urnOf(news) };
}

const NO_STEP: StepContext = { urn: undefined };

/**
 * The serialized provider (`__provider`) goes into the outputs the engine keeps for a failed
 * create or update: a later delete is served by that text.
 */
function keepProvider(news: Props): (error: unknown) => never {
  return (error) => {
    const init = initFailureOf(error);
    if (init !== undefined) {
      Object.assign(error as Error, {
        properties: { ...init.properties, __provider: news.__provider },
      });
    }
    throw error;
  };
}

function dynamicProvider(resource: ResourceHandlers): DynamicHandlers {
  return {
    configure(request: dynamic.ConfigureRequest): Promise<void> {
      // The same settings keep the process's runtime (and its snapshot): see setConfig.
      setConfig(request.config);
      return Promise.resolve();
    },

    check(olds: Props, announced: Props): Promise<dynamic.CheckResult> {
      return handle(() => {
        const news = notePass(announced);
        return resource.check(olds, news, stepOf(news));
      });
    },

    diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
      return handle(() => resource.diff(id, olds, news, stepOf(news)));
    },

    create(news: Props): Promise<dynamic.CreateResult> {
      return handle(() => resource.create(news, stepOf(news))).catch(keepProvider(news));
    },

    read(id: string, props?: Props): Promise<dynamic.ReadResult> {
      return handle(() => resource.read(id, props ?? {}, NO_STEP), {
        storedConfiguration: true,
      });
    },

    update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
      return handle(() => resource.update(id, olds, news, stepOf(news))).catch(keepProvider(news));
    },

    delete(id: string, props: Props): Promise<void> {
      return handle(() => resource.delete(id, props, NO_STEP), { storedConfiguration: true });
    },
  };
}

/** UserApiAccess, as the dynamic-provider host calls it. */
export const handlers = dynamicProvider(userApiAccess);

/** ApiAccessPolicy, as the dynamic-provider host calls it. */
export const policyHandlers = dynamicProvider(apiAccessPolicy);

/** UserApiKey, as the dynamic-provider host calls it. */
export const keyHandlers = dynamicProvider(userApiKey);
