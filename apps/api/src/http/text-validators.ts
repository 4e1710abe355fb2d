import { displayNameProblem, parseSshPublicKey, SshKeyError } from '@carve/core';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * The one validator for every name and label a person types (see displayNameProblem):
 * users, tokens, customers, pools, servers, images and whatever the next resource names.
 * Stricter identifier patterns (server names become Dom0 names) stack on top of it.
 */
export function IsDisplayName(maxLength = 100, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDisplayName',
      validator: {
        validate: (value: unknown) => displayNameProblem(value, { maxLength }) === undefined,
        defaultMessage: (args) => displayNameProblem(args?.value, { maxLength }) ?? 'must be a display name',
      },
    },
    options,
  );
}

/** One OpenSSH public key line, parsed (type, base64 blob whose embedded type matches, key size). */
export function IsSshPublicKey(options?: ValidationOptions): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    try {
      parseSshPublicKey(value as string);
      return undefined;
    } catch (error) {
      if (error instanceof SshKeyError) return `is not a usable OpenSSH public key: ${error.message}`;
      throw error;
    }
  };
  return ValidateBy(
    {
      name: 'isSshPublicKey',
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => problem(args?.value) ?? 'must be an OpenSSH public key',
      },
    },
    options,
  );
}

/**
 * Problems with a list of public keys, each named by its position (`sshKeys.2`), which
 * class-validator's `each` cannot do.
 */
export function sshKeyProblems(keys: readonly string[], field: string): { field: string; message: string }[] {
  return keys.flatMap((key, index) => {
    try {
      parseSshPublicKey(key);
      return [];
    } catch (error) {
      if (error instanceof SshKeyError) return [{ field: `${field}.${index}`, message: `is not a usable OpenSSH public key: ${error.message}` }];
      throw error;
    }
  });
}
