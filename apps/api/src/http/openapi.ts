import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('carve')
    .setDescription(
      'Control plane for Xen hosting resellers. Every route except /health, /docs and /openapi.json needs `Authorization: Bearer <token>`. ' +
        'Errors are RFC 9457 application/problem+json with a stable `code` and, for invalid input, the failing `fields`. ' +
        'Lists are paginated: pass `limit` (at most 100) and the `nextCursor` of the previous page as `cursor`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'carve_xxxxxxxx_... API token' }, 'token')
    .addSecurityRequirements('token')
    .build();
  return SwaggerModule.createDocument(app, config);
}

export function serveOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
}
