import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '@carve/core';
import { isUUID } from 'class-validator';

@Injectable()
class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}

  transform(value: string): string {
    if (!isUUID(value)) throw new InvalidInputError([{ field: `path.${this.name}`, message: 'must be a UUID' }]);
    return value.toLowerCase();
  }
}

/** A path parameter that must be a UUID; anything else is a 400 naming the parameter. */
export const UuidParam = (name = 'id') => Param(name, new UuidPipe(name));
