import { UserError } from '../util/user-error.ts';

// Parameters arrive from the renderer, over IPC or HTTP: they are checked here, as untrusted
// input, before any of them reaches the cache or the file system.

export function paramsObject(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UserError('parameters must be an object');
  return value as Record<string, unknown>;
}

export function text(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string') throw new UserError(`${name} must be text`);
  return value;
}

export function optionalText(params: Record<string, unknown>, name: string): string | undefined {
  return params[name] === undefined ? undefined : text(params, name);
}

export function wholeNumber(params: Record<string, unknown>, name: string, min = 0): number {
  const value = params[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new UserError(`${name} must be a whole number of at least ${min}`);
  return value;
}

export function optionalWholeNumber(params: Record<string, unknown>, name: string, min = 0): number | undefined {
  return params[name] === undefined ? undefined : wholeNumber(params, name, min);
}

export function textList(params: Record<string, unknown>, name: string): string[] {
  const value = params[name];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new UserError(`${name} must be a list of text`);
  return value as string[];
}

export function numberList(params: Record<string, unknown>, name: string): number[] {
  const value = params[name];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
    throw new UserError(`${name} must be a list of whole numbers`);
  }
  return value as number[];
}

export function oneOf<T extends string>(params: Record<string, unknown>, name: string, choices: readonly T[]): T {
  const value = params[name];
  if (!choices.includes(value as T)) throw new UserError(`${name} must be one of ${choices.join(', ')}`);
  return value as T;
}
