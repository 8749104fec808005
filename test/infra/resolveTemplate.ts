/**
 * Resolves infra/loglake.yaml for given parameter values, as CloudFormation would before creating
 * anything: conditions evaluated, resources whose condition is false dropped, and the intrinsic
 * functions the template uses (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Split, Fn::Select, Fn::If,
 * AWS::NoValue) applied. moto cannot deploy the template, so the contract tests check the policies
 * and wiring a real deployment would get, for concrete parameter sets.
 *
 * Attributes CloudFormation only knows after creation stay symbolic: `Ref` of a resource is
 * `{ref:Name}` and `Fn::GetAtt` is `{Name.Attr}`, both also inside `Fn::Sub` strings.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const TEMPLATE_PATH = 'infra/loglake.yaml';

/** The pseudo parameters of the resolved stack. */
export const PSEUDO = {
  'AWS::AccountId': '111122223333',
  'AWS::Region': 'eu-west-1',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'loglake',
} as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface Resource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties: Record<string, Json>;
}
export interface Template {
  Parameters: Record<string, { Type: string; Default?: string | number; AllowedPattern?: string }>;
  Conditions: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: Json; Condition?: string }>;
}

/** The template as written. */
export function loadTemplate(path = TEMPLATE_PATH): Template {
  return parse(readFileSync(path, 'utf8')) as Template;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** The template resolved for `params` (the others take their defaults). */
export function resolveTemplate(
  params: Record<string, string | number> = {},
  template: Template = loadTemplate(),
): { resources: Record<string, Resource>; outputs: Record<string, Json>; params: Record<string, Json> } {
  const values: Record<string, Json> = {};
  for (const [name, p] of Object.entries(template.Parameters)) {
    const given = params[name] ?? p.Default;
    if (given === undefined) throw new Error(`parameter ${name} has no value and no default`);
    values[name] = p.Type === 'CommaDelimitedList' ? String(given).split(',') : given;
    if (p.AllowedPattern !== undefined) {
      const pattern = new RegExp(p.AllowedPattern);
      const members = Array.isArray(values[name]) ? (values[name] as Json[]) : [values[name]];
      for (const m of members)
        if (!pattern.test(String(m))) throw new Error(`parameter ${name}: ${String(m)} fails AllowedPattern`);
    }
  }
  for (const name of Object.keys(params))
    if (!(name in template.Parameters)) throw new Error(`unknown parameter ${name}`);

  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    const known = conditions.get(name);
    if (known !== undefined) return known;
    const body = template.Conditions[name];
    if (body === undefined) throw new Error(`unknown condition ${name}`);
    const value = Boolean(evaluate(body));
    conditions.set(name, value);
    return value;
  };

  const sub = (text: string, vars: Record<string, Json>): string =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in vars) return String(vars[name]);
      if (name in PSEUDO) return PSEUDO[name as keyof typeof PSEUDO];
      if (name in values) return String(values[name]);
      if (name.includes('.')) return `{${name}}`;
      if (name in template.Resources) return `{ref:${name}}`;
      throw new Error(`Fn::Sub: unknown variable ${name}`);
    });

  function evaluate(node: Json): Json | typeof NO_VALUE {
    if (Array.isArray(node)) {
      return node.map(evaluate).filter((v) => v !== NO_VALUE) as Json[];
    }
    if (node === null || typeof node !== 'object') return node;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [fn] = keys as [string];
      const arg = node[fn] as Json;
      switch (fn) {
        case 'Ref': {
          const name = String(arg);
          if (name === 'AWS::NoValue') return NO_VALUE;
          if (name in PSEUDO) return PSEUDO[name as keyof typeof PSEUDO];
          if (name in values) return values[name]!;
          if (name in template.Resources) return `{ref:${name}}`;
          throw new Error(`Ref: unknown ${name}`);
        }
        case 'Fn::GetAtt': {
          const [res, attr] = arg as string[];
          if (!(res! in template.Resources)) throw new Error(`Fn::GetAtt: unknown resource ${res}`);
          return `{${res}.${attr}}`;
        }
        case 'Fn::Sub': {
          if (typeof arg === 'string') return sub(arg, {});
          const [text, vars] = arg as [string, Record<string, Json>];
          const resolved: Record<string, Json> = {};
          for (const [k, v] of Object.entries(vars)) resolved[k] = evaluate(v) as Json;
          return sub(text, resolved);
        }
        case 'Fn::Join': {
          const [sep, list] = arg as [string, Json];
          return (evaluate(list) as Json[]).map(String).join(sep);
        }
        case 'Fn::Split': {
          const [sep, text] = arg as [string, Json];
          return String(evaluate(text)).split(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, Json];
          const items = evaluate(list) as Json[];
          if (Number(index) >= items.length) throw new Error(`Fn::Select: index ${index} out of range`);
          return items[Number(index)]!;
        }
        case 'Fn::If': {
          const [name, yes, no] = arg as [string, Json, Json];
          return evaluate(condition(name) ? yes : no);
        }
        case 'Fn::Equals': {
          const [a, b] = (arg as Json[]).map(evaluate);
          return JSON.stringify(a) === JSON.stringify(b);
        }
        case 'Fn::Not':
          return !evaluate((arg as Json[])[0]!);
        case 'Fn::And':
          return (arg as Json[]).every((c) => Boolean(evaluate(c)));
        case 'Fn::Or':
          return (arg as Json[]).some((c) => Boolean(evaluate(c)));
        case 'Condition':
          return condition(String(arg));
        default:
          if (fn.startsWith('Fn::')) throw new Error(`unsupported intrinsic ${fn}`);
      }
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(node)) {
      const r = evaluate(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  const resources: Record<string, Resource> = {};
  for (const [name, r] of Object.entries(template.Resources)) {
    if (r.Condition !== undefined && !condition(r.Condition)) continue;
    resources[name] = { ...r, Properties: evaluate(r.Properties ?? {}) as Record<string, Json> };
  }
  const outputs: Record<string, Json> = {};
  for (const [name, o] of Object.entries(template.Outputs ?? {})) {
    if (o.Condition !== undefined && !condition(o.Condition)) continue;
    outputs[name] = evaluate(o.Value) as Json;
  }
  return { resources, outputs, params: values };
}

/** An IAM or resource policy statement, resolved. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Json;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Actions of a statement, always a list. */
export const actionsOf = (s: Statement): string[] => asList(s.Action);
/** Resources of a statement, always a list. */
export const resourcesOf = (s: Statement): string[] => asList(s.Resource);

/** IAM's wildcard match (`*` any run, `?` one character), case-insensitive as for actions. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    caseInsensitive ? 'i' : '',
  );
  return re.test(value);
}

/** The statements of every inline policy of an IAM role. */
export function roleStatements(role: Resource): Statement[] {
  const policies = (role.Properties.Policies ?? []) as unknown as { PolicyDocument: Json }[];
  return policies.flatMap((p) => statementsOf(p.PolicyDocument));
}

/** The statements of a resolved policy document (a resource's `PolicyDocument`). */
export function statementsOf(document: Json | undefined): Statement[] {
  return ((document ?? {}) as unknown as { Statement: Statement[] }).Statement;
}
