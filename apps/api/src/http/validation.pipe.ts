import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidInputError } from '@carve/core';
import { nulCharacterProblems } from './nul-characters';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`property ${e.property} should not exist`) ? 'is not a field of this request' : message.replace(new RegExp(`^${e.property} `), ''),
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * class-validator with the strict settings carve wants: unknown fields are rejected
 * (no mass assignment), values are converted to the DTO's types, and every failure
 * becomes a 400 problem naming each field.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new InvalidInputError(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const expectsObject = metadata.metatype && ![String, Number, Boolean, Array, Object].includes(metadata.metatype as never);
    if ((metadata.type === 'body' || metadata.type === 'query') && expectsObject) {
      if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new InvalidInputError([{ field: metadata.type, message: metadata.type === 'body' ? 'must be a JSON object' : 'must be query parameters' }]);
      }
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const nul = nulCharacterProblems(value, metadata.type === 'query' ? 'query' : '');
      if (nul.length > 0) throw new InvalidInputError(nul);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      // Query parameters are named `query.<name>`, so a client can tell them from body fields.
      if (metadata.type === 'query' && error instanceof InvalidInputError) {
        throw new InvalidInputError((error.extensions.fields ?? []).map((f) => ({ ...f, field: `query.${f.field}` })));
      }
      throw error;
    }
  }
}
