import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidInputError } from '@carve/core';

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
        throw new InvalidInputError([{ field: metadata.type, message: 'must be a JSON object' }]);
      }
    }
    return super.transform(value, metadata);
  }
}
