import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../shared/connection';
import type { SubgraphContext } from '../shared/context';
import { Course } from './course.entity';
import { CourseFilter } from './training.input';
import type { TrainingLoaders } from './training.loaders';

type Context = SubgraphContext<TrainingLoaders>;

const CourseConnection = Connection(Course, 'A page of courses, ordered by code.');

@Resolver(() => Course)
export class CourseResolver {
  @Query(() => Course, { nullable: true, description: 'One course by id; null when none matches.' })
  course(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Identifier.' }) id: string): Promise<Course | null> {
    return ctx.loaders.courseById.load(id);
  }

  @Query(() => CourseConnection, { description: 'The training catalogue: courses matching the filter, ordered by code, as a Relay connection.' })
  async courses(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => CourseFilter, { nullable: true, description: 'Conditions, all of which must hold.' }) filter?: CourseFilter,
  ) {
    const keyset = keysetPage<Course>(page, 'asc', { code: 'text' });
    const where: FilterQuery<Course> = {};
    if (filter?.domain) where.domain = filter.domain;
    if (filter?.level) where.level = filter.level;
    const rows = await keyset.find(ctx.em, Course, [where]);
    for (const row of rows) ctx.loaders.courseById.prime(row.id, row);
    return keyset.connection(rows);
  }
}
