import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '@carve/core';

@Injectable()
class PositiveIntPipe implements PipeTransform<string, number> {
  constructor(private readonly name: string) {}

  transform(value: string): number {
    if (!/^[1-9]\d{0,8}$/.test(value)) throw new InvalidInputError([{ field: `path.${this.name}`, message: 'must be a positive integer' }]);
    return Number(value);
  }
}

/** A path parameter that must be a positive integer (a line number); anything else is a 400 naming it. */
export const PositiveIntParam = (name: string) => Param(name, new PositiveIntPipe(name));
