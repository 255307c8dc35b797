/**
 * Keeps the shared migrations portable: they declare an auto-assigned key the SQLite way,
 * `integer primary key autoincrement`, and on PostgreSQL this plugin rewrites that column to
 * `bigserial primary key` (PostgreSQL has no AUTO_INCREMENT). Nothing else is touched.
 */
import {
  DataTypeNode,
  OperationNodeTransformer,
  type ColumnDefinitionNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

class AutoIncrementToBigserial extends OperationNodeTransformer {
  protected override transformColumnDefinition(node: ColumnDefinitionNode): ColumnDefinitionNode {
    const transformed = super.transformColumnDefinition(node);
    if (!transformed.autoIncrement) return transformed;
    return { ...transformed, dataType: DataTypeNode.create('bigserial'), autoIncrement: false };
  }
}

export class PostgresSchemaPlugin implements KyselyPlugin {
  readonly #transformer = new AutoIncrementToBigserial();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
